package compose

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeELF writes a minimal 64-bit little-endian ELF executable header
// for machine, with one program header of type ptype (0 = none at all).
func writeELF(t *testing.T, path string, machine elf.Machine, ptype elf.ProgType) {
	t.Helper()
	var b bytes.Buffer
	ident := [16]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)}
	phnum := uint16(0)
	if ptype != 0 {
		phnum = 1
	}
	hdr := elf.Header64{
		Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(machine), Version: uint32(elf.EV_CURRENT),
		Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: phnum, Shentsize: 64,
	}
	_ = binary.Write(&b, binary.LittleEndian, hdr)
	if ptype != 0 {
		interp := []byte("/lib64/ld-linux-x86-64.so.2\x00")
		_ = binary.Write(&b, binary.LittleEndian, elf.Prog64{
			Type: uint32(ptype), Off: 120, Filesz: uint64(len(interp)), Memsz: uint64(len(interp)), Align: 1,
		})
		b.Write(interp)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestCheckStatic(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	writeELF(t, static, elf.EM_X86_64, 0)
	if err := checkStatic(static, "amd64"); err != nil {
		t.Errorf("static binary refused: %v", err)
	}
	dynamic := filepath.Join(dir, "dynamic")
	writeELF(t, dynamic, elf.EM_X86_64, elf.PT_INTERP)
	if err := checkStatic(dynamic, "amd64"); err == nil || !strings.Contains(err.Error(), "dynamically linked") ||
		!strings.Contains(err.Error(), "CGO_ENABLED=0") || !strings.Contains(err.Error(), "ld-linux") {
		t.Errorf("dynamic binary: err = %v", err)
	}
	if err := checkStatic(static, "arm64"); err == nil || !strings.Contains(err.Error(), "GOARCH=arm64") {
		t.Errorf("wrong architecture: err = %v", err)
	}
	text := filepath.Join(dir, "script")
	_ = os.WriteFile(text, []byte("#!/bin/sh\n"), 0o755)
	if err := checkStatic(text, "amd64"); err == nil || !strings.Contains(err.Error(), "not a Linux executable") {
		t.Errorf("script: err = %v", err)
	}
}

func TestBuildNetctlImage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bin := filepath.Join(dir, "chaos")
	writeELF(t, bin, elf.EM_X86_64, 0)
	f := newFake()
	opts := BuildOptions{ChaosBinary: bin, Images: []string{ImageNetctl}, CacheDir: dir}
	if err := buildImages(ctx, f, opts); err != nil {
		t.Fatal(err)
	}
	if len(f.builds) != 1 {
		t.Fatalf("%d builds, want 1", len(f.builds))
	}
	b := f.builds[0]
	if b.Opts.PullParent || b.Opts.Tags[0] != NetctlImage || b.Opts.Labels[LabelContentHash] == "" {
		t.Errorf("build options %+v", b.Opts)
	}
	want, _ := os.ReadFile(bin)
	if !bytes.Equal(b.Files["chaos"], want) || !strings.Contains(string(b.Files["Dockerfile"]), "FROM scratch") {
		t.Errorf("build context holds %d files (chaos %d bytes)", len(b.Files), len(b.Files["chaos"]))
	}
	// Same binary: nothing to do.
	if err := buildImages(ctx, f, opts); err != nil {
		t.Fatal(err)
	}
	if len(f.builds) != 1 {
		t.Errorf("an unchanged binary was rebuilt")
	}
	// A new binary: rebuilt, and the previous image dropped.
	_ = os.WriteFile(bin, append(want, 0), 0o755)
	if err := buildImages(ctx, f, opts); err != nil {
		t.Fatal(err)
	}
	if len(f.builds) != 2 || f.countCalls("ImageRemove") != 1 {
		t.Errorf("changed binary: %d builds, %d removals; want 2 and 1", len(f.builds), f.countCalls("ImageRemove"))
	}
	// Rebuild asked: the builder's cache gives the same image back, which
	// must not be removed as "the previous one".
	opts.Rebuild = true
	if err := buildImages(ctx, f, opts); err != nil || len(f.builds) != 3 {
		t.Errorf("Rebuild: %d builds, %v", len(f.builds), err)
	}
	if _, err := f.ImageInspect(ctx, NetctlImage); err != nil || f.countCalls("ImageRemove") != 1 {
		t.Errorf("after an unchanged rebuild: %v, %d removals (want the image kept)", err, f.countCalls("ImageRemove"))
	}
	// A dynamic binary is refused before anything is built.
	writeELF(t, bin, elf.EM_X86_64, elf.PT_INTERP)
	if err := buildImages(ctx, f, opts); err == nil || !strings.Contains(err.Error(), "dynamically linked") {
		t.Errorf("dynamic binary: err = %v", err)
	}
}

func TestBuildGoModuleImages(t *testing.T) {
	ctx := context.Background()
	for _, g := range goImages {
		t.Run(g.name, func(t *testing.T) {
			f := newFake()
			// No image and no Go toolchain: a clear error.
			opts := BuildOptions{Images: []string{g.name}, CacheDir: t.TempDir(), Go: "no-such-go-toolchain"}
			err := buildImages(ctx, f, opts)
			if err == nil || !strings.Contains(err.Error(), "not on PATH") {
				t.Fatalf("err = %v, want the missing Go toolchain named", err)
			}
			// The image with the current inputs' hash exists: nothing is
			// compiled (the missing toolchain is never needed).
			hash, srcs, err := g.inputs("amd64")
			if err != nil {
				t.Fatal(err)
			}
			f.addImage(g.ref, map[string]string{LabelContentHash: hash})
			if err := buildImages(ctx, f, opts); err != nil {
				t.Fatalf("up-to-date image: %v", err)
			}
			if len(f.builds) != 0 {
				t.Errorf("an up-to-date image was rebuilt")
			}
			if h2, _, _ := g.inputs("arm64"); h2 == hash {
				t.Error("the hash does not depend on the architecture")
			}
			if !strings.Contains(string(srcs["Dockerfile"]), "FROM scratch") {
				t.Error("the Dockerfile has a base image")
			}
		})
	}
	// The wrapper modules are pinned: go.sum committed, versions required.
	for name, want := range map[string][]string{
		ImageEtcd:   {"go.etcd.io/etcd/server/v3 v3.6.16", "go.etcd.io/etcd/server/v3 v3.6.16 h1:", "etcdmain.Main(os.Args)"},
		ImageConsul: {"github.com/hashicorp/consul v1.22.7", "github.com/hashicorp/consul v1.22.7 h1:", "github.com/hashicorp/go-msgpack v1.1.5"},
	} {
		for _, g := range goImages {
			if g.name != name {
				continue
			}
			_, srcs, _ := g.inputs("amd64")
			all := string(srcs["go.mod"]) + string(srcs["go.sum"]) + string(srcs["main.go"])
			for _, w := range want {
				if !strings.Contains(all, w) {
					t.Errorf("the embedded %s wrapper module lacks %q", name, w)
				}
			}
		}
	}
	if err := buildImages(ctx, newFake(), BuildOptions{Images: []string{"mongodb"}}); err == nil {
		t.Error("unknown image: want error")
	}
}

// A fake debootstrap makes the tree; the build adds the entrypoint
// scripts, drops the package cache and imports the tree with the official
// image's settings and the content hash.
func TestBuildZooKeeperImage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	fake := filepath.Join(dir, "debootstrap")
	os.WriteFile(fake, []byte(`#!/bin/sh
# args: --variant --arch --include SUITE ROOTFS MIRROR
echo "$@" > "$5.args"
mkdir -p "$5/var/cache/apt/archives" "$5/usr/share/java" "$5/bin"
echo deb > "$5/var/cache/apt/archives/zookeeper.deb"
echo jar > "$5/usr/share/java/zookeeper.jar"
`), 0o755)
	defer func(f func() int) { geteuid = f }(geteuid)
	geteuid = func() int { return 0 }
	f := newFake()
	opts := BuildOptions{Images: []string{ImageZooKeeper}, CacheDir: dir, Debootstrap: fake, DebianMirror: "http://mirror.example/debian"}
	if err := buildImages(ctx, f, opts); err != nil {
		t.Fatal(err)
	}
	if len(f.builds) != 1 {
		t.Fatalf("%d imports, want 1", len(f.builds))
	}
	b := f.builds[0]
	for _, want := range []string{"docker-entrypoint.sh", "usr/local/bin/zkServer.sh", "usr/share/java/zookeeper.jar"} {
		if _, ok := b.Files[want]; !ok {
			t.Errorf("image lacks %s (has %d files)", want, len(b.Files))
		}
	}
	if _, ok := b.Files["var/cache/apt/archives/zookeeper.deb"]; ok {
		t.Error("the package cache went into the image")
	}
	changes := strings.Join(b.Changes, "\n")
	for _, want := range []string{`ENTRYPOINT ["/docker-entrypoint.sh"]`, `CMD ["zkServer.sh", "start-foreground"]`, "ZOO_DATA_DIR=/data"} {
		if !strings.Contains(changes, want) {
			t.Errorf("import changes lack %q:\n%s", want, changes)
		}
	}
	if b.Opts.Labels[LabelContentHash] == "" || b.Opts.Labels[LabelProject] != ProjectValue {
		t.Errorf("labels %v", b.Opts.Labels)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "zookeeper", "rootfs.args"))
	if !strings.Contains(string(args), "--include=libzookeeper-java,openjdk-17-jre-headless bookworm") ||
		!strings.HasSuffix(strings.TrimSpace(string(args)), "http://mirror.example/debian") {
		t.Errorf("debootstrap args %q", args)
	}
	if _, err := os.Stat(filepath.Join(dir, "zookeeper", "rootfs")); !os.IsNotExist(err) {
		t.Errorf("the root file system was left behind: %v", err)
	}
	// Up to date: nothing runs.
	if err := buildImages(ctx, f, opts); err != nil || len(f.builds) != 1 {
		t.Errorf("second build: %d imports, %v", len(f.builds), err)
	}
	// Not root: a clear error before anything runs.
	geteuid = func() int { return 1000 }
	opts.Rebuild = true
	if err := buildImages(ctx, f, opts); err == nil || !strings.Contains(err.Error(), "as root") {
		t.Errorf("not root: %v", err)
	}
	opts.Debootstrap = "no-such-debootstrap"
	if err := buildImages(ctx, f, opts); err == nil || !strings.Contains(err.Error(), "apt-get install debootstrap") {
		t.Errorf("no debootstrap: %v", err)
	}
}
