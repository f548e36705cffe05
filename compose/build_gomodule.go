package compose

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

//go:embed images/etcd/* images/consul/* images/netctl/Dockerfile images/zookeeper/* images/kube-apiserver/*
var imageFiles embed.FS

// goModuleImage is a backend compiled from its Go module by a wrapper
// module embedded under images/<name>/ (go.mod.txt, go.sum.txt, perhaps
// main.go.txt: ".txt" because a nested module can be neither embedded nor
// built as part of this one) into an image FROM scratch.
type goModuleImage struct {
	name  string   // "etcd": the directory under images/ and in the cache
	ref   string   // the image built
	pkg   string   // the package go build compiles: "." or a module path
	files []string // the wrapper module's files, as embedded (without .txt)
	// ldflags are added to -s -w: the version kube-apiserver reports,
	// which upstream's build sets the same way.
	ldflags string
}

// goImages are the backends compiled from Go modules.
var goImages = []goModuleImage{
	{name: ImageEtcd, ref: EtcdLocalImage, pkg: ".", files: []string{"main.go", "go.mod", "go.sum"}},
	{name: ImageConsul, ref: ConsulLocalImage, pkg: "github.com/hashicorp/consul", files: []string{"go.mod", "go.sum"}},
	{name: ImageKubeAPIServer, ref: KubeAPIServerLocalImage, pkg: ".", files: []string{"main.go", "go.mod", "go.sum"},
		ldflags: "-X k8s.io/component-base/version.gitVersion=v1.37.2 -X k8s.io/component-base/version.gitMajor=1 " +
			"-X k8s.io/component-base/version.gitMinor=37 -X k8s.io/component-base/version.gitTreeState=clean"},
}

// buildFlags are the go build flags of the image's binary.
func (g goModuleImage) buildFlags() []string {
	ld := "-s -w"
	if g.ldflags != "" {
		ld += " " + g.ldflags
	}
	return []string{"build", "-trimpath", "-ldflags=" + ld, "-o", g.name, g.pkg}
}

// build builds g.ref unless it is up to date.
func (g goModuleImage) build(ctx context.Context, api buildAPI, opts BuildOptions, arch string) error {
	hash, srcs, err := g.inputs(arch)
	if err != nil {
		return err
	}
	return ensureImage(ctx, api, opts, g.ref, hash, func() error {
		bin, err := g.compile(ctx, opts, filepath.Join(opts.CacheDir, g.name), arch, srcs)
		if err != nil {
			return err
		}
		return dockerBuild(ctx, api, g.ref, hash, []tarFile{
			{Name: "Dockerfile", Mode: 0o644, Data: srcs["Dockerfile"]},
			{Name: g.name, Mode: 0o755, Path: bin},
		}, opts.Output)
	})
}

// inputs returns the hash of everything the image is made from (module
// files, Dockerfile, build flags, target) and the files by name.
func (g goModuleImage) inputs(arch string) (string, map[string][]byte, error) {
	parts := [][2]string{{"target", "linux/" + arch}, {"flags", strings.Join(g.buildFlags(), " ")}}
	srcs := map[string][]byte{}
	names := append([]string{"Dockerfile"}, g.files...)
	for _, name := range names {
		embedded := "images/" + g.name + "/" + name
		if name != "Dockerfile" {
			embedded += ".txt"
		}
		b, err := imageFiles.ReadFile(embedded)
		if err != nil {
			return "", nil, fmt.Errorf("%s image: %w", g.name, err)
		}
		srcs[name] = b
		parts = append(parts, [2]string{name, string(b)})
	}
	return hashParts(parts...), srcs, nil
}

// compile writes the wrapper module into dir and compiles it; it returns
// the binary's path.
func (g goModuleImage) compile(ctx context.Context, opts BuildOptions, dir, arch string, srcs map[string][]byte) (string, error) {
	goCmd, err := exec.LookPath(opts.Go)
	if err != nil {
		return "", fmt.Errorf("%s image: the Go toolchain (%q) is not on PATH; it compiles %s from its Go module: "+
			"install Go >= 1.26 or put it on PATH: %w", g.name, opts.Go, g.name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%s image: build directory: %w", g.name, err)
	}
	for _, name := range g.files {
		if err := os.WriteFile(filepath.Join(dir, name), srcs[name], 0o644); err != nil {
			return "", fmt.Errorf("%s image: %w", g.name, err)
		}
	}
	bin := filepath.Join(dir, g.name)
	_ = os.Remove(bin) // never package a binary from an earlier build
	cmd := exec.CommandContext(ctx, goCmd, g.buildFlags()...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOWORK=off", "GOFLAGS=-mod=readonly")
	var tail bytes.Buffer
	cmd.Stdout = opts.Output
	cmd.Stderr = io.MultiWriter(opts.Output, &tail)
	opts.Log.Info("compiling "+g.name+" from its Go module (minutes the first time)", "dir", dir, "go", goCmd)
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s image: go build in %s: %w\n%s", g.name, dir, err, lastLines(tail.String(), 20))
	}
	return bin, nil
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
