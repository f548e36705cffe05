//go:build docker

package etcd

import (
	"context"
	"testing"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

func TestLeaseStore(t *testing.T) {
	eps := clustertest.Up(t, New(Options{}), 3)
	raw, err := newClient(targets.Addrs(eps), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tgt := New(Options{Root: "/t-lease"})
	targettest.RunLeaseStore(t, targettest.LeaseBackend{
		Endpoints: eps,
		Target:    tgt,
		Resource: func(ctx context.Context) (string, error) {
			resp, err := raw.Get(ctx, tgt.ResourceKey())
			if err != nil || len(resp.Kvs) == 0 {
				return "", err
			}
			return string(resp.Kvs[0].Value), nil
		},
		Left: []string{tgt.LeaseEpochKey(), tgt.LeaseRecordKey(), tgt.ResourceKey()},
	})
	// The same cluster, another root: lease-observed's resourcelock.
	targettest.RunLeaseLock(t, eps, New(Options{Root: "/t-lock"}))
}
