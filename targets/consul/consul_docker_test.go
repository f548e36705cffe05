//go:build docker

package consul

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

func TestConsul(t *testing.T) {
	eps := clustertest.Up(t, New(Options{}), 3)
	raw, err := newClient(eps[0].Addr, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := func(scope string) Options {
		return Options{Key: "t/" + scope + "/leader", ResourceKey: "t/" + scope + "/resource", LockDelay: time.Millisecond}
	}
	get := func(ctx context.Context, key string) (*api.KVPair, error) {
		pair, _, err := raw.KV().Get(key, queryCtx(ctx))
		return pair, err
	}
	targettest.Run(t, targettest.Backend{
		Endpoints: eps,
		New:       func(scope string) targets.Target { return New(opts(scope)) },
		Leader: func(ctx context.Context, scope string) (string, uint64, error) {
			pair, err := get(ctx, opts(scope).Key)
			if err != nil || pair == nil || pair.Session == "" {
				return "", 0, err
			}
			return string(pair.Value), pair.ModifyIndex, nil
		},
		EndLeadership: func(ctx context.Context, scope string) error {
			pair, err := get(ctx, opts(scope).Key)
			if err != nil {
				return err
			}
			if pair == nil || pair.Session == "" {
				return fmt.Errorf("nobody holds %s", opts(scope).Key)
			}
			_, err = raw.Session().Destroy(pair.Session, writeCtx(ctx))
			return err
		},
		Resource: func(ctx context.Context, scope string) (string, error) {
			pair, err := get(ctx, opts(scope).ResourceKey)
			if err != nil || pair == nil {
				return "", err
			}
			return string(pair.Value), nil
		},
		LostReasons: []string{ReasonInvalidated, ReasonSessionChange},
	})
	targettest.RunRegister(t, New(Options{}), eps)
	targettest.RunNamespaced(t, targettest.NamespacedBackend{
		Endpoints: eps,
		New:       func(root string) targets.Target { return New(Options{Root: root, LockDelay: time.Millisecond}) },
		RootBase:  "t-ns",
		AllKeys: func(ctx context.Context) ([]string, error) {
			keys, _, err := raw.KV().Keys("", "", queryCtx(ctx))
			return keys, err
		},
	})

	// The choice of token: with behavior "delete", each invalidation
	// deletes the lock key and LockIndex starts again at 1, while
	// ModifyIndex keeps growing.
	t.Run("LockIndex repeats under behavior delete, ModifyIndex grows", func(t *testing.T) {
		o := opts("delete")
		o.Behavior = api.SessionBehaviorDelete
		tgt := New(o)
		var mods, locks []uint64
		for i := range 3 {
			c, err := tgt.NewCandidate(ctx, eps[i], targets.CandidateConfig{Process: eps[i].Node, TTL: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := c.Campaign(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pair, err := get(ctx, o.Key)
			if err != nil || pair == nil {
				t.Fatalf("lock key: %v %v", pair, err)
			}
			mods, locks = append(mods, tok), append(locks, pair.LockIndex)
			if _, err := raw.Session().Destroy(pair.Session, writeCtx(ctx)); err != nil {
				t.Fatal(err)
			}
			<-c.Lost()
			c.Close()
		}
		t.Logf("ModifyIndex %v, LockIndex %v", mods, locks)
		if !(mods[0] < mods[1] && mods[1] < mods[2]) {
			t.Errorf("ModifyIndex does not grow: %v", mods)
		}
		if locks[0] != locks[2] {
			t.Errorf("LockIndex %v: expected it to restart with the key", locks)
		}
	})
}
