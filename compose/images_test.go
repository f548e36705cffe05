package compose

import (
	"context"
	"strings"
	"testing"
)

func TestChooseImage(t *testing.T) {
	ctx := context.Background()
	b := etcdBackend(t)

	f := newFake()
	if _, err := chooseImage(ctx, f, b, ""); err == nil || !strings.Contains(err.Error(), "chaos images build") {
		t.Errorf("no image: err = %v, want advice to run `chaos images build`", err)
	}
	f.addImage(EtcdLocalImage, nil)
	c, err := chooseImage(ctx, f, b, "")
	if err != nil || c.Ref != EtcdLocalImage {
		t.Fatalf("local only: %+v, %v", c, err)
	}
	if want := "official image gcr.io/etcd-development/etcd:v3.6.16 not present locally and no registry; using local build chaos-local/etcd:v3.6.16"; c.Reason != want {
		t.Errorf("reason = %q, want %q", c.Reason, want)
	}
	f.addImage(EtcdOfficialImage, nil)
	if c, err := chooseImage(ctx, f, b, ""); err != nil || c.Ref != EtcdOfficialImage {
		t.Errorf("both present: %+v, %v; want the official image", c, err)
	}
	if c, err := chooseImage(ctx, f, b, EtcdLocalImage); err != nil || c.Ref != EtcdLocalImage {
		t.Errorf("asked for the local build: %+v, %v", c, err)
	}
	_, err = chooseImage(ctx, f, b, "example.com/etcd:custom")
	if err == nil || !strings.Contains(err.Error(), "never pulls") {
		t.Errorf("asked for an absent image: err = %v, want a refusal to pull", err)
	}
	if f.countCalls("ImagePull") != 0 {
		t.Error("something pulled")
	}
}

func TestRequireNetctl(t *testing.T) {
	f := newFake()
	if err := requireNetctl(context.Background(), f); err == nil || !strings.Contains(err.Error(), "chaos images build") {
		t.Errorf("err = %v, want advice to run `chaos images build`", err)
	}
	f.addImage(NetctlImage, nil)
	if err := requireNetctl(context.Background(), f); err != nil {
		t.Error(err)
	}
}
