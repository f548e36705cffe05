package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/chaos-election/chaos/compose"
	"github.com/chaos-election/chaos/compose/netctl"
)

// Down removes every container and network any chaos run left behind
// (labelled io.chaos.project=chaos), whichever run created it, and names
// what it removed. Docker unreachable is a harness failure (255).
func Down(ctx context.Context, log *slog.Logger) ([]string, error) {
	dc, err := compose.NewDocker(ctx)
	if err != nil {
		return nil, err
	}
	defer dc.Close()
	return compose.DownAll(ctx, dc, log)
}

// Leftovers lists (and removes nothing) the containers and networks that
// the run with id runID (RunDir.ID, on its containers' io.chaos.run label)
// still has: none once it has ended. Docker unreachable is an error.
func Leftovers(ctx context.Context, runID string) ([]string, error) {
	if runID == "" {
		return nil, errors.New("leftovers: no run id")
	}
	dc, err := compose.NewDocker(ctx)
	if err != nil {
		return nil, err
	}
	defer dc.Close()
	left, err := compose.Leftovers(ctx, dc, runID)
	if err != nil {
		return nil, fmt.Errorf("leftovers of run %s: %w", runID, err)
	}
	out := make([]string, len(left))
	for i, l := range left {
		out[i] = l.String()
	}
	return out, nil
}

// ImagesConfig is one `chaos images build`.
type ImagesConfig struct {
	// Images to build (see [ImageNames]); empty = all.
	Images []string
	// Rebuild builds even an image that is up to date.
	Rebuild bool
	// DebianMirror is where the ZooKeeper image's packages come from; ""
	// = [DefaultDebianMirror].
	DebianMirror string
	// Output, when set, shows the compilers' and debootstrap's output.
	Output io.Writer
	Log    *slog.Logger
}

// DefaultDebianMirror is where the ZooKeeper image's packages come from
// unless ImagesConfig says otherwise.
const DefaultDebianMirror = compose.DefaultDebianMirror

// ImageNames are the images `chaos images build` can build.
func ImageNames() []string { return compose.ImageNames() }

// BuildImages builds the backend images and the netctl sidecar image
// offline (from the Go module proxy and Debian's packages; nothing is
// pulled), keeping an image already built from the same inputs.
func BuildImages(ctx context.Context, cfg ImagesConfig) error {
	dc, err := compose.NewDocker(ctx)
	if err != nil {
		return err
	}
	defer dc.Close()
	return compose.BuildImages(ctx, dc, compose.BuildOptions{
		Images: cfg.Images, Rebuild: cfg.Rebuild, DebianMirror: cfg.DebianMirror, Output: cfg.Output, Log: cfg.Log,
	})
}

// Netctl is what the netctl sidecar runs inside a node's network
// namespace (`chaos netctl ARGS`): see [netctl.Main].
func Netctl(args []string, stdout io.Writer) error { return netctl.Main(args, stdout) }
