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

func TestBuildEtcdImage(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	// No image and no Go toolchain: a clear error.
	opts := BuildOptions{Images: []string{ImageEtcd}, CacheDir: t.TempDir(), Go: "no-such-go-toolchain"}
	err := buildImages(ctx, f, opts)
	if err == nil || !strings.Contains(err.Error(), "not on PATH") {
		t.Fatalf("err = %v, want the missing Go toolchain named", err)
	}
	// The image with the current inputs' hash exists: nothing is compiled
	// (the missing toolchain is never needed).
	hash, srcs, err := etcdInputs("amd64")
	if err != nil {
		t.Fatal(err)
	}
	f.addImage(EtcdLocalImage, map[string]string{LabelContentHash: hash})
	if err := buildImages(ctx, f, opts); err != nil {
		t.Fatalf("up-to-date image: %v", err)
	}
	if len(f.builds) != 0 {
		t.Errorf("an up-to-date image was rebuilt")
	}
	// The wrapper module is pinned: go.sum committed, etcd server v3.6.16 required.
	if !strings.Contains(string(srcs["go.mod"]), "go.etcd.io/etcd/server/v3 v3.6.16") ||
		!strings.Contains(string(srcs["go.sum"]), "go.etcd.io/etcd/server/v3 v3.6.16 h1:") ||
		!strings.Contains(string(srcs["main.go"]), "etcdmain.Main(os.Args)") {
		t.Error("the embedded etcd wrapper module is incomplete")
	}
	if h2, _, _ := etcdInputs("arm64"); h2 == hash {
		t.Error("the hash does not depend on the architecture")
	}
	if err := buildImages(ctx, f, BuildOptions{Images: []string{"zookeeper"}}); err == nil {
		t.Error("unknown image: want error")
	}
}
