package compose

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/moby/moby/client"
)

// firstBuild is about how long each image takes to build the first time
// on 2 cores, for the line that says a run is building one.
var firstBuild = map[string]string{
	ImageEtcd:          "about 30 s",
	ImageZooKeeper:     "about 1 min",
	ImageConsul:        "about 6 min",
	ImageNetctl:        "seconds",
	ImageKubeAPIServer: "about 4 min",
}

// EnsureImages builds the images a cluster of target needs and lacks:
// the backend's (unless its official image is present locally), the
// netctl sidecar's, and for target kubernetes the kube-apiserver's. A run
// builds only what its plan uses, so the first run on a fresh machine
// does not wait for every backend; it says on one line what it builds and
// how long that takes the first time. When everything is present it only
// inspects. opts.Images is ignored.
func EnsureImages(ctx context.Context, dc *client.Client, target string, opts BuildOptions) error {
	return ensureImages(ctx, dc, target, opts, func(ctx context.Context, o BuildOptions) error { return BuildImages(ctx, dc, o) })
}

func ensureImages(ctx context.Context, api imageAPI, target string, opts BuildOptions, build func(context.Context, BuildOptions) error) error {
	b, err := lookupBackend(target)
	if err != nil {
		return err
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	type image struct{ name, ref, official string }
	wants := []image{{b.name, b.localImage, b.officialImage}, {ImageNetctl, NetctlImage, ""}}
	if b.name == targetKubernetes {
		wants[0].name = ImageEtcd
		wants = append(wants, image{ImageKubeAPIServer, KubeAPIServerLocalImage, KubeAPIServerOfficialImage})
	}
	var missing []string
	for _, want := range wants {
		present, err := imageExists(ctx, api, want.ref)
		if err == nil && !present && want.official != "" {
			present, err = imageExists(ctx, api, want.official)
		}
		if err != nil {
			return err
		}
		if !present {
			missing = append(missing, want.name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var what []string
	for _, m := range missing {
		what = append(what, fmt.Sprintf("%s (%s)", m, firstBuild[m]))
	}
	log.Info("building the images this run needs, once: " + strings.Join(what, ", "))
	opts.Images = missing
	if err := build(ctx, opts); err != nil {
		noun := "image"
		if len(missing) > 1 {
			noun = "images"
		}
		return fmt.Errorf("build the %s %s: %w", strings.Join(missing, " and "), noun, err)
	}
	return nil
}
