//go:build docker

package compose

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// The Docker tests share one engine connection; TestMain builds the images
// (BuildImages, with a static chaos binary for the netctl image) first.
// They FAIL when Docker is unreachable: there is no skipping them.
var testDocker *client.Client

// figures collects the measurements the tests print at the end.
var figures = map[string]time.Duration{}

func TestMain(m *testing.M) {
	os.Exit(mainDocker(m))
}

func mainDocker(m *testing.M) int {
	ctx := context.Background()
	dc, err := NewDocker(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose docker tests:", err)
		return 1
	}
	defer dc.Close()
	testDocker = dc
	tmp, err := os.MkdirTemp("", "chaos-compose-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	bin, err := staticChaos(ctx, tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose docker tests:", err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	start := time.Now()
	if err := BuildImages(ctx, dc, BuildOptions{ChaosBinary: bin, Log: log}); err != nil {
		fmt.Fprintln(os.Stderr, "compose docker tests: build images:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "compose docker tests: BuildImages took %v\n", time.Since(start).Round(time.Millisecond))
	code := m.Run()
	for k, v := range figures {
		fmt.Fprintf(os.Stderr, "figure %-28s %v\n", k, v.Round(time.Millisecond))
	}
	return code
}

// staticChaos builds the netctl image's binary: the real chaos command
// when cmd/chaos builds, else the test stand-in compose/internal/netctlmain
// (same netctl subcommands), saying so.
func staticChaos(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "chaos")
	build := func(pkg string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, pkg)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		return cmd.CombinedOutput()
	}
	out, err := build("./cmd/chaos")
	if err == nil {
		fmt.Fprintln(os.Stderr, "compose docker tests: netctl image from ./cmd/chaos")
		return bin, nil
	}
	fmt.Fprintf(os.Stderr, "compose docker tests: ./cmd/chaos does not build (%v); netctl image from ./compose/internal/netctlmain\n%s", err, out)
	if out, err := build("./compose/internal/netctlmain"); err != nil {
		return "", fmt.Errorf("build netctl stand-in: %w\n%s", err, out)
	}
	return bin, nil
}
