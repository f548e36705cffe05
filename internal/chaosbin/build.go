package chaosbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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

// Main is the TestMain of a package whose Docker tests only need the
// binary: it builds it into *bin, runs the tests and removes it, and
// returns the exit code for os.Exit.
func Main(m *testing.M, prefix string, bin *string) int {
	b, cleanup, err := Build(prefix)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cleanup()
	*bin = b
	return m.Run()
}
