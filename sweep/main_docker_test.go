//go:build docker

package sweep

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// chaosBin is the chaos binary the Docker tests run, built from this
// checkout. The tests use the images already on the machine (a run
// builds only those missing) and check only their own runs' containers.
var chaosBin string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "chaos-sweep-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		chaosBin = filepath.Join(dir, "chaos")
		build := exec.Command("go", "build", "-trimpath", "-o", chaosBin, "../cmd/chaos")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build chaos: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}())
}
