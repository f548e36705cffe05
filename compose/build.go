package compose

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// Images BuildImages knows, by the name BuildOptions.Images uses.
const (
	ImageEtcd   = "etcd"
	ImageNetctl = "netctl"
)

// BuildOptions configures BuildImages.
type BuildOptions struct {
	// ChaosBinary is the chaos binary the netctl image carries. It must be
	// a static Linux binary (no ELF interpreter: build chaos with
	// CGO_ENABLED=0). "" = the running executable.
	ChaosBinary string
	// CacheDir holds the etcd wrapper module and its build.
	// "" = $XDG_CACHE_HOME/chaos/build (os.UserCacheDir).
	CacheDir string
	// Go is the go command that compiles etcd. "" = "go" from PATH.
	Go string
	// Images lists what to build: ImageEtcd, ImageNetctl. Empty = all.
	Images []string
	// Rebuild builds even when an image with the same content hash exists.
	Rebuild bool
	// Output receives the go build and image build output (nil = discard).
	Output io.Writer
	Log    *slog.Logger // nil = discard
}

// buildAPI is what BuildImages needs of the Engine API.
type buildAPI interface {
	imageBuildAPI
	ImageRemove(ctx context.Context, id string, opts image.RemoveOptions) ([]image.DeleteResponse, error)
	ServerVersion(ctx context.Context) (types.Version, error)
}

var _ buildAPI = (*client.Client)(nil)

// BuildImages builds, without pulling anything, the images a run needs
// when there is no registry: the etcd image (etcd compiled from its Go
// module, pinned by a committed go.sum, into an image with no base layer)
// and the netctl sidecar image (the static chaos binary). Each image is
// labelled with a hash of its inputs; when the image with that hash
// already exists it is not rebuilt, so a second call takes seconds.
// A changed chaos binary rebuilds the netctl image.
func BuildImages(ctx context.Context, dc *client.Client, opts BuildOptions) error {
	return buildImages(ctx, dc, opts)
}

func buildImages(ctx context.Context, api buildAPI, opts BuildOptions) error {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Output == nil {
		opts.Output = io.Discard
	}
	if opts.Go == "" {
		opts.Go = "go"
	}
	if opts.CacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("build images: no cache directory (set XDG_CACHE_HOME or BuildOptions.CacheDir): %w", err)
		}
		opts.CacheDir = filepath.Join(base, "chaos", "build")
	}
	want := opts.Images
	if len(want) == 0 {
		want = []string{ImageEtcd, ImageNetctl}
	}
	for _, w := range want {
		if w != ImageEtcd && w != ImageNetctl {
			return fmt.Errorf("build images: unknown image %q (known: %s, %s)", w, ImageEtcd, ImageNetctl)
		}
	}
	v, err := api.ServerVersion(ctx)
	if err != nil {
		return fmt.Errorf("build images: docker version: %w", err)
	}
	if v.Os != "" && v.Os != "linux" {
		return fmt.Errorf("build images: the Docker Engine runs %s containers; chaos needs linux", v.Os)
	}
	arch := v.Arch
	if arch == "" {
		arch = "amd64"
	}
	var errs []error
	if slices.Contains(want, ImageEtcd) {
		errs = append(errs, buildEtcd(ctx, api, opts, arch))
	}
	if slices.Contains(want, ImageNetctl) {
		errs = append(errs, buildNetctl(ctx, api, opts, arch))
	}
	return errors.Join(errs...)
}

// ensureImage builds ref from the context files unless an image of that
// name already carries hash (or opts.Rebuild). prepare runs only when a
// build is needed and returns the context files.
func ensureImage(ctx context.Context, api buildAPI, opts BuildOptions, ref, hash string,
	prepare func() ([]tarFile, error)) error {
	start := time.Now()
	log := opts.Log.With("image", ref)
	old, err := api.ImageInspect(ctx, ref)
	exists := err == nil
	if err != nil && !errdefs.IsNotFound(err) {
		return fmt.Errorf("inspect %s: %w", ref, err)
	}
	why := "absent"
	if exists {
		if old.Config != nil && old.Config.Labels[LabelContentHash] == hash && !opts.Rebuild {
			log.Info("image up to date", "hash", short(hash), "took", time.Since(start).Round(time.Millisecond))
			return nil
		}
		why = "content changed"
		if opts.Rebuild {
			why = "rebuild asked"
		}
	}
	log.Info("building image", "why", why, "hash", short(hash))
	files, err := prepare()
	if err != nil {
		return err
	}
	if err := dockerBuild(ctx, api, ref, hash, files, opts.Output); err != nil {
		return err
	}
	built, err := api.ImageInspect(ctx, ref)
	if err != nil {
		return fmt.Errorf("inspect %s after the build: %w", ref, err)
	}
	if built.Config == nil || built.Config.Labels[LabelContentHash] != hash {
		return fmt.Errorf("build %s: the image built does not carry the content hash %s", ref, short(hash))
	}
	if exists && old.ID != "" && old.ID != built.ID {
		// The previous build is now untagged; drop it unless a container
		// uses it. (An unchanged build yields the same ID: keep that one!)
		if _, err := api.ImageRemove(ctx, old.ID, image.RemoveOptions{PruneChildren: true}); err == nil {
			log.Debug("removed previous image", "id", short(old.ID))
		}
	}
	log.Info("image built", "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func short(s string) string {
	if i := len("sha256:"); len(s) > i && s[:i] == "sha256:" {
		s = s[i:]
	}
	return s[:min(12, len(s))]
}
