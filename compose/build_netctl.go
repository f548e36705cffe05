package compose

import (
	"context"
	"debug/elf"
	"fmt"
	"io"
	"os"
)

// buildNetctl builds NetctlImage from the static chaos binary.
func buildNetctl(ctx context.Context, api buildAPI, opts BuildOptions, arch string) error {
	bin := opts.ChaosBinary
	if bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("netctl image: locate the chaos binary: %w", err)
		}
		bin = exe
	}
	if err := checkStatic(bin, arch); err != nil {
		return fmt.Errorf("netctl image: %w", err)
	}
	dockerfile, err := imageFiles.ReadFile("images/netctl/Dockerfile")
	if err != nil {
		return fmt.Errorf("netctl image: %w", err)
	}
	sum, err := hashFile(bin)
	if err != nil {
		return fmt.Errorf("netctl image: hash %s: %w", bin, err)
	}
	hash := hashParts([2]string{"Dockerfile", string(dockerfile)}, [2]string{"chaos", sum})
	return ensureImage(ctx, api, opts, NetctlImage, hash, func() error {
		return dockerBuild(ctx, api, NetctlImage, hash, []tarFile{
			{Name: "Dockerfile", Mode: 0o644, Data: dockerfile},
			{Name: "chaos", Mode: 0o755, Path: bin},
		}, opts.Output)
	})
}

// elfMachine maps GOARCH to the ELF machine a binary for it has.
func elfMachine(arch string) (elf.Machine, bool) {
	switch arch {
	case "amd64":
		return elf.EM_X86_64, true
	case "arm64":
		return elf.EM_AARCH64, true
	case "386":
		return elf.EM_386, true
	case "arm":
		return elf.EM_ARM, true
	}
	return 0, false
}

// checkStatic verifies that path is a static Linux ELF executable for
// arch: an image with no base layer has no dynamic loader or libc.
func checkStatic(path, arch string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s is not a Linux executable (ELF): %w; build chaos with `CGO_ENABLED=0 GOOS=linux go build -o bin/chaos ./cmd/chaos`", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			interp, _ := io.ReadAll(p.Open())
			return fmt.Errorf("%s is dynamically linked (ELF interpreter %s) and cannot run in an image with no base layer; "+
				"build chaos statically: `CGO_ENABLED=0 go build -o bin/chaos ./cmd/chaos`", path, trimNUL(interp))
		}
	}
	if m, ok := elfMachine(arch); ok && f.Machine != m {
		return fmt.Errorf("%s is built for %s but the Docker Engine runs %s; build chaos with GOARCH=%s", path, f.Machine, arch, arch)
	}
	return nil
}

func trimNUL(b []byte) string {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return string(b)
}
