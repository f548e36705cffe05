//go:build docker

package zookeeper

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

func TestLeaseStore(t *testing.T) {
	eps := clustertest.Up(t, New(Options{}), 3)
	raw, err := connect(context.Background(), targets.Addrs(eps), 10*time.Second, nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tgt := New(Options{Root: "/t-lease"})
	targettest.RunLeaseStore(t, targettest.LeaseBackend{
		Endpoints: eps,
		Target:    tgt,
		Resource: func(ctx context.Context) (string, error) {
			if _, err := raw.Sync(tgt.opts.ResourcePath); err != nil {
				return "", err
			}
			data, _, err := raw.Get(tgt.opts.ResourcePath)
			if errors.Is(err, zk.ErrNoNode) {
				return "", nil
			}
			return string(data), err
		},
		// The token is the epoch's mzxid: the zxid of the last takeover's
		// multi, which also wrote the record then.
		Epoch: func(ctx context.Context) (uint64, error) {
			if _, err := raw.Sync(tgt.LeaseEpochPath()); err != nil {
				return 0, err
			}
			_, ep, err := raw.Get(tgt.LeaseEpochPath())
			if err != nil {
				return 0, err
			}
			if ep.Version != 3 {
				t.Errorf("epoch version %d, want 3 takeovers", ep.Version)
			}
			return uint64(ep.Mzxid), nil
		},
		Left: []string{"/t-lease/lease", tgt.LeaseEpochPath(), tgt.LeaseRecordPath(), tgt.opts.ResourcePath},
	})
	// The same cluster, another root: lease-observed's resourcelock.
	targettest.RunLeaseLock(t, eps, New(Options{Root: "/t-lock"}))
}
