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
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Images BuildImages knows, by the name BuildOptions.Images uses.
const (
	ImageEtcd      = "etcd"
	ImageZooKeeper = "zookeeper"
	ImageConsul    = "consul"
	ImageNetctl    = "netctl"
	// ImageKubeAPIServer is the API server of target kubernetes (about
	// 4 min the first time on 2 cores, 2.3 GB of memory for the build).
	ImageKubeAPIServer = "kube-apiserver"
)

// imageNames are the images BuildImages knows, in build order.
var imageNames = []string{ImageEtcd, ImageZooKeeper, ImageConsul, ImageNetctl, ImageKubeAPIServer}

// ImageNames lists the images BuildImages knows.
func ImageNames() []string { return slices.Clone(imageNames) }

// BuildOptions configures BuildImages.
type BuildOptions struct {
	// ChaosBinary is the chaos binary the netctl image carries. It must be
	// a static Linux binary (no ELF interpreter: build chaos with
	// CGO_ENABLED=0). "" = the running executable.
	ChaosBinary string
	// CacheDir holds the wrapper modules and their builds, and the
	// ZooKeeper root file system while it is made.
	// "" = $XDG_CACHE_HOME/chaos/build (os.UserCacheDir).
	CacheDir string
	// Go is the go command that compiles etcd and Consul. "" = "go" from
	// PATH.
	Go string
	// Debootstrap is the debootstrap command that makes the ZooKeeper root
	// file system (it must run as root). "" = "debootstrap" from PATH.
	Debootstrap string
	// DebianMirror is where debootstrap fetches Debian's packages.
	// "" = DefaultDebianMirror.
	DebianMirror string
	// Images lists what to build: ImageEtcd, ImageZooKeeper, ImageConsul,
	// ImageNetctl, ImageKubeAPIServer. Empty = all.
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
	ImageRemove(ctx context.Context, id string, opts client.ImageRemoveOptions) (client.ImageRemoveResult, error)
	ImageImport(ctx context.Context, src client.ImageImportSource, ref string, opts client.ImageImportOptions) (client.ImageImportResult, error)
	ServerVersion(ctx context.Context, opts client.ServerVersionOptions) (client.ServerVersionResult, error)
}

var _ buildAPI = (*client.Client)(nil)

// BuildImages builds, without pulling anything, the images a run needs
// when there is no registry: etcd and Consul compiled from their Go
// modules (pinned by committed go.sum files) into images with no base
// layer, ZooKeeper 3.8 with a JRE from Debian's packages (debootstrap,
// imported as a base image), and the netctl sidecar image (the static
// chaos binary). Each image is
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
	if opts.Debootstrap == "" {
		opts.Debootstrap = "debootstrap"
	}
	if opts.DebianMirror == "" {
		opts.DebianMirror = DefaultDebianMirror
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
		want = imageNames
	}
	for _, w := range want {
		if !slices.Contains(imageNames, w) {
			return fmt.Errorf("build images: unknown image %q (known: %s)", w, strings.Join(imageNames, ", "))
		}
	}
	v, err := api.ServerVersion(ctx, client.ServerVersionOptions{})
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
	for _, name := range imageNames {
		if !slices.Contains(want, name) {
			continue
		}
		switch name {
		case ImageZooKeeper:
			errs = append(errs, buildZooKeeper(ctx, api, opts, arch))
		case ImageNetctl:
			errs = append(errs, buildNetctl(ctx, api, opts, arch))
		default:
			for _, g := range goImages {
				if g.name == name {
					errs = append(errs, g.build(ctx, api, opts, arch))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// ensureImage runs build unless an image named ref already carries hash
// (or opts.Rebuild); build must make ref labelled with hash.
func ensureImage(ctx context.Context, api buildAPI, opts BuildOptions, ref, hash string, build func() error) error {
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
	if err := build(); err != nil {
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
		if _, err := api.ImageRemove(ctx, old.ID, client.ImageRemoveOptions{PruneChildren: true}); err == nil {
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
