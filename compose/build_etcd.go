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

//go:embed images/etcd/* images/netctl/Dockerfile
var imageFiles embed.FS

// etcdBuildFlags are the go build flags of the etcd binary.
var etcdBuildFlags = []string{"build", "-trimpath", "-ldflags=-s -w", "-o", "etcd", "."}

// etcdModuleFiles are the wrapper module's files: embedded name -> name
// in the build directory.
var etcdModuleFiles = [][2]string{
	{"images/etcd/main.go.txt", "main.go"},
	{"images/etcd/go.mod.txt", "go.mod"},
	{"images/etcd/go.sum.txt", "go.sum"},
}

// buildEtcd builds EtcdLocalImage: the wrapper module compiled for the
// engine's architecture into an image FROM scratch.
func buildEtcd(ctx context.Context, api buildAPI, opts BuildOptions, arch string) error {
	hash, srcs, err := etcdInputs(arch)
	if err != nil {
		return err
	}
	dir := filepath.Join(opts.CacheDir, "etcd")
	return ensureImage(ctx, api, opts, EtcdLocalImage, hash, func() ([]tarFile, error) {
		bin, err := goBuildEtcd(ctx, opts, dir, arch, srcs)
		if err != nil {
			return nil, err
		}
		return []tarFile{
			{Name: "Dockerfile", Mode: 0o644, Data: srcs["Dockerfile"]},
			{Name: "etcd", Mode: 0o755, Path: bin},
		}, nil
	})
}

// etcdInputs returns the hash of everything the etcd image is made from
// (module files, Dockerfile, build flags, target) and the files by name.
func etcdInputs(arch string) (string, map[string][]byte, error) {
	parts := [][2]string{{"target", "linux/" + arch}, {"flags", strings.Join(etcdBuildFlags, " ")}}
	srcs := map[string][]byte{}
	for _, f := range append(etcdModuleFiles, [2]string{"images/etcd/Dockerfile", "Dockerfile"}) {
		b, err := imageFiles.ReadFile(f[0])
		if err != nil {
			return "", nil, fmt.Errorf("etcd image: %w", err)
		}
		srcs[f[1]] = b
		parts = append(parts, [2]string{f[1], string(b)})
	}
	return hashParts(parts...), srcs, nil
}

// goBuildEtcd writes the wrapper module into dir and compiles it; it
// returns the binary's path.
func goBuildEtcd(ctx context.Context, opts BuildOptions, dir, arch string, srcs map[string][]byte) (string, error) {
	goCmd, err := exec.LookPath(opts.Go)
	if err != nil {
		return "", fmt.Errorf("etcd image: the Go toolchain (%q) is not on PATH; it compiles etcd from its Go module: "+
			"install Go >= 1.26 or put it on PATH: %w", opts.Go, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("etcd image: build directory: %w", err)
	}
	for _, f := range etcdModuleFiles {
		if err := os.WriteFile(filepath.Join(dir, f[1]), srcs[f[1]], 0o644); err != nil {
			return "", fmt.Errorf("etcd image: %w", err)
		}
	}
	bin := filepath.Join(dir, "etcd")
	_ = os.Remove(bin) // never package a binary from an earlier build
	cmd := exec.CommandContext(ctx, goCmd, etcdBuildFlags...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOWORK=off", "GOFLAGS=-mod=readonly")
	var tail bytes.Buffer
	cmd.Stdout = opts.Output
	cmd.Stderr = io.MultiWriter(opts.Output, &tail)
	opts.Log.Info("compiling etcd from its Go module (a few minutes the first time)", "dir", dir, "go", goCmd)
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("etcd image: go build in %s: %w\n%s", dir, err, lastLines(tail.String(), 20))
	}
	return bin, nil
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
