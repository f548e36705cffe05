package compose

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/containerd/errdefs"
)

// imageChoice is the image a cluster runs and why.
type imageChoice struct {
	Ref    string
	Reason string
}

// imageExists says whether ref is present in the engine's image store.
// It never pulls.
func imageExists(ctx context.Context, api imageAPI, ref string) (bool, error) {
	_, err := api.ImageInspect(ctx, ref)
	if err == nil {
		return true, nil
	}
	if errdefs.IsNotFound(err) {
		return false, nil
	}
	return false, fmt.Errorf("inspect image %s: %w", ref, err)
}

// chooseImage picks the image for b: the one asked for (which must be
// present), else the official image if present, else the local build.
// Nothing is pulled: when neither exists the error says to build them.
func chooseImage(ctx context.Context, api imageAPI, b backend, asked string) (imageChoice, error) {
	if asked != "" {
		ok, err := imageExists(ctx, api, asked)
		if err != nil {
			return imageChoice{}, err
		}
		if !ok {
			return imageChoice{}, fmt.Errorf("image %s is not present locally and chaos never pulls; "+
				"load it (docker load / docker build) or leave the image unset to use %s or %s (run `chaos images build`)",
				asked, b.officialImage, b.localImage)
		}
		return imageChoice{Ref: asked, Reason: "asked for"}, nil
	}
	ok, err := imageExists(ctx, api, b.officialImage)
	if err != nil {
		return imageChoice{}, err
	}
	if ok {
		return imageChoice{Ref: b.officialImage, Reason: "official image present locally"}, nil
	}
	ok, err = imageExists(ctx, api, b.localImage)
	if err != nil {
		return imageChoice{}, err
	}
	if ok {
		return imageChoice{Ref: b.localImage, Reason: fmt.Sprintf(
			"official image %s not present locally and no registry; using local build %s", b.officialImage, b.localImage)}, nil
	}
	return imageChoice{}, fmt.Errorf("no %s image: neither the official %s nor the local build %s is present "+
		"(chaos never pulls); run `chaos images build` first", b.name, b.officialImage, b.localImage)
}

// requireNetctl checks that the sidecar image that cuts links exists.
func requireNetctl(ctx context.Context, api imageAPI) error {
	ok, err := imageExists(ctx, api, NetctlImage)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("sidecar image %s is not present; run `chaos images build` first", NetctlImage)
	}
	return nil
}

func logImage(log *slog.Logger, c imageChoice) {
	log.Info("image: "+c.Reason, "image", c.Ref)
}
