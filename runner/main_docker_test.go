//go:build docker

package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"

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

// assertNothingLeft fails when any container or network of the project
// remains.
func assertNothingLeft(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	dc, err := compose.NewDocker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	f := filters.NewArgs(filters.Arg("label", compose.LabelProject+"="+compose.ProjectValue))
	cs, err := dc.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := dc.NetworkList(ctx, network.ListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		t.Errorf("container left behind: %v (%s)", c.Names, c.State)
	}
	for _, n := range ns {
		t.Errorf("network left behind: %s", n.Name)
	}
	if len(cs)+len(ns) > 0 {
		_, _ = compose.DownAll(ctx, dc, nil)
	}
}
