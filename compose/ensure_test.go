package compose

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// A run builds only the images its target needs and lacks, and nothing
// when they are present.
func TestEnsureImages(t *testing.T) {
	for _, tt := range []struct {
		name    string
		present []string
		target  string
		want    []string // built; nil: no build
	}{
		{"fresh machine, etcd", nil, "etcd", []string{ImageEtcd, ImageNetctl}},
		{"fresh machine, consul", nil, "consul", []string{ImageConsul, ImageNetctl}},
		{"sidecar present", []string{NetctlImage}, "zookeeper", []string{ImageZooKeeper}},
		{"all present", []string{EtcdLocalImage, NetctlImage}, "etcd", nil},
		{"official image present", []string{ConsulOfficialImage, NetctlImage}, "consul", nil},
		{"other backends are not built", []string{EtcdLocalImage}, "etcd", []string{ImageNetctl}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			for _, ref := range tt.present {
				f.addImage(ref, nil)
			}
			var built []string
			err := ensureImages(context.Background(), f, tt.target, BuildOptions{}, func(_ context.Context, o BuildOptions) error {
				built = append(built, o.Images...)
				return nil
			})
			if err != nil || !slices.Equal(built, tt.want) {
				t.Fatalf("built %v (%v), want %v", built, err, tt.want)
			}
		})
	}
	if err := ensureImages(context.Background(), newFake(), "mongodb", BuildOptions{}, nil); err == nil {
		t.Fatal("an unknown target is not an error")
	}
	boom := errors.New("no debootstrap")
	err := ensureImages(context.Background(), newFake(), "zookeeper", BuildOptions{}, func(context.Context, BuildOptions) error { return boom })
	if !errors.Is(err, boom) || err.Error() != "build the zookeeper and netctl images: no debootstrap" {
		t.Fatalf("a failed build: %v", err)
	}
}
