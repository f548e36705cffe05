package chaosbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Build builds ../cmd/chaos (from a package directory one level below the
// module's root) statically into a new temporary directory named after
// prefix, and returns the binary's path and a function that removes it.
func Build(prefix string) (bin string, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, fmt.Errorf("build chaos: %w", err)
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	bin = filepath.Join(dir, "chaos")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "../cmd/chaos")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("build chaos: %w\n%s", err, out)
	}
	return bin, cleanup, nil
}
