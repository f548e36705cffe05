//go:build docker

package consul

import (
	"context"
	"fmt"
	"testing"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/internal/targettest"
)

func TestLeaseStore(t *testing.T) {
	eps := clustertest.Up(t, New(Options{}), 3)
	raw, err := newClient(eps[0].Addr, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tgt := New(Options{Root: "t-lease"})
	targettest.RunLeaseStore(t, targettest.LeaseBackend{
		Endpoints: eps,
		Target:    tgt,
		Resource: func(ctx context.Context) (string, error) {
			pair, _, err := raw.KV().Get(tgt.opts.ResourceKey, queryCtx(ctx))
			if err != nil || pair == nil {
				return "", err
			}
			return string(pair.Value), nil
		},
		// The token is the epoch key's ModifyIndex.
		Epoch: func(ctx context.Context) (uint64, error) {
			pair, _, err := raw.KV().Get(tgt.LeaseEpochKey(), queryCtx(ctx))
			if err == nil && pair == nil {
				err = fmt.Errorf("no epoch key %s", tgt.LeaseEpochKey())
			}
			if err != nil {
				return 0, err
			}
			return pair.ModifyIndex, nil
		},
		Left: []string{tgt.LeaseEpochKey(), tgt.LeaseRecordKey(), tgt.opts.ResourceKey},
	})
	// The same cluster, another root: lease-observed's resourcelock.
	targettest.RunLeaseLock(t, eps, New(Options{Root: "t-lock"}))
}
