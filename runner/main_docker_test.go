//go:build docker

package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chaos-election/chaos/compose"
)

// chaosBin is a static chaos binary built for these tests: the subject of
// the end-to-end tests, and the network sidecar inside the netctl image.
var chaosBin string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "chaos-runner-test")
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
		ctx := context.Background()
		dc, err := compose.NewDocker(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "docker tests need Docker:", err)
			return 1
		}
		defer dc.Close()
		if err := compose.BuildImages(ctx, dc, compose.BuildOptions{ChaosBinary: chaosBin}); err != nil {
			fmt.Fprintln(os.Stderr, "build images:", err)
			return 1
		}
		return m.Run()
	}())
}

// checkNothingLeft registers a cleanup that fails the test when a
// container or network of the project that was created while the test ran
// remains at its end. Leftovers of earlier tests (in other packages: `go
// test -p 1` may run them in any order) are named and removed, but blamed
// on where they started, whose own tests check their runs.
func checkNothingLeft(t *testing.T) {
	t.Helper()
	since := time.Now().Truncate(time.Second) // containers' creation times are in whole seconds
	t.Cleanup(func() { assertNothingLeftSince(t, since) })
}

func assertNothingLeftSince(t *testing.T, since time.Time) {
	t.Helper()
	ctx := context.Background()
	dc, err := compose.NewDocker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	left, err := compose.Leftovers(ctx, dc, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range left {
		if l.Created.Before(since) {
			t.Logf("removing a leftover of an earlier test: %v", l)
			continue
		}
		t.Errorf("left behind: %v", l)
	}
	if len(left) > 0 {
		_, _ = compose.DownAll(ctx, dc, nil)
	}
}
