//go:build docker

package runner

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/internal/chaosbin"

	"github.com/chaos-election/chaos/compose"
)

// chaosBin is a static chaos binary built for these tests: the subject of
// the end-to-end tests, and the network sidecar inside the netctl image.
var chaosBin string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		bin, cleanup, err := chaosbin.Build("chaos-runner-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer cleanup()
		chaosBin = bin
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
		// Containers' creation times are in whole seconds.
		since := time.Now().Truncate(time.Second)
		code := m.Run()
		left, err := leftSince(since)
		if err != nil {
			fmt.Fprintln(os.Stderr, "list leftovers:", err)
			return 1
		}
		for _, l := range left {
			if _, own := ownRuns.Load(l.Run); own {
				fmt.Fprintf(os.Stderr, "FAIL: the runner tests left behind (now removed): %v\n", l)
				code = 1
				continue
			}
			fmt.Fprintf(os.Stderr, "note: created while the runner tests ran, by a run none of them named (another package's?), left alone: %v\n", l)
		}
		return code
	}())
}

// assertRunLeftNothing fails t when a container or network of the run
// runID is still there. Each test checks its own runs, so the tests run
// side by side (t.Parallel); TestMain checks that the package as a whole
// left nothing.
func assertRunLeftNothing(t *testing.T, runID string) {
	t.Helper()
	if runID == "" {
		return // the run never got an id: it started nothing
	}
	ownRuns.Store(runID, true)
	ctx := context.Background()
	dc, err := compose.NewDocker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	left, err := compose.Leftovers(ctx, dc, runID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range left {
		t.Errorf("run %s left behind: %v", runID, l)
	}
}

// runIDPattern finds the run ids in a command's log ("run starting"
// lines: one per run, several for a matrix).
var runIDPattern = regexp.MustCompile(`msg="run starting" run=([0-9a-f]+)`)

// assertRunsLeftNothing checks every run a command's log names, and that
// it names at least one.
func assertRunsLeftNothing(t *testing.T, log string) {
	t.Helper()
	ms := runIDPattern.FindAllStringSubmatch(log, -1)
	if len(ms) == 0 {
		t.Errorf("no run id in the log:\n%s", log)
	}
	for _, m := range ms {
		assertRunLeftNothing(t, m[1])
	}
}

// ownRuns are the run ids the tests started (and checked): what TestMain
// may remove. Other suites' clusters (another package's, another
// checkout's) may be on the engine at the same time.
var ownRuns sync.Map

// leftSince lists what the project has in Docker that was created since
// the tests started, and removes what of it belongs to the tests' own
// runs. A leftover created since by a run no test named is listed but
// left alone: it may be another package's, running beside this one.
func leftSince(since time.Time) ([]compose.Leftover, error) {
	ctx := context.Background()
	dc, err := compose.NewDocker(ctx)
	if err != nil {
		return nil, err
	}
	defer dc.Close()
	all, err := compose.Leftovers(ctx, dc, "")
	if err != nil {
		return nil, err
	}
	var left []compose.Leftover
	for _, l := range all {
		if l.Created.Before(since) {
			continue
		}
		left = append(left, l)
		if _, own := ownRuns.Load(l.Run); own {
			if _, err := compose.DownRun(ctx, dc, l.Run, nil); err != nil {
				return left, err
			}
		}
	}
	return left, nil
}
