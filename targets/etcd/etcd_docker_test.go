//go:build docker

package etcd

import (
	"context"
	"errors"
	"fmt"
	"github.com/chaos-election/chaos/internal/clustertest"
	"slices"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/chaos-election/chaos/targets"
)

func TestEtcd(t *testing.T) {
	eps := clustertest.Up(t, New(Options{}), 3)
	ctx := context.Background()
	raw, err := newClient([]string{eps[0].Addr, eps[1].Addr, eps[2].Addr}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	// candidates returns one candidate per endpoint of a target with its own prefix.
	candidates := func(t *testing.T, tgt *Target) []targets.Candidate {
		var cs []targets.Candidate
		for _, ep := range eps {
			c, err := tgt.NewCandidate(ctx, ep, targets.CandidateConfig{Process: ep.Node, TTL: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			cs = append(cs, c)
		}
		return cs
	}

	t.Run("probe", func(t *testing.T) {
		tgt := New(Options{})
		if err := tgt.Probe(ctx, eps[0]); err != nil {
			t.Fatal(err)
		}
		if err := tgt.Probe(ctx, targets.Endpoint{Node: "nx", Addr: "127.0.0.1:1"}); err == nil {
			t.Fatal("probe of a closed port succeeded")
		}
	})

	t.Run("token is the leader key's create revision", func(t *testing.T) {
		tgt := New(Options{Prefix: "/t/rev"})
		c := candidates(t, tgt)[1]
		tok, err := c.Campaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := raw.Get(ctx, tgt.Prefix()+"/", clientv3.WithFirstCreate()...)
		if err != nil || len(resp.Kvs) != 1 {
			t.Fatalf("leader key: %v %v", resp, err)
		}
		kv := resp.Kvs[0]
		if uint64(kv.CreateRevision) != tok || string(kv.Value) != "n2" {
			t.Fatalf("leader key %s=%s rev %d, token %d", kv.Key, kv.Value, kv.CreateRevision, tok)
		}
	})

	t.Run("tokens increase over successive leaders", func(t *testing.T) {
		tgt := New(Options{Prefix: "/t/order"})
		cs := candidates(t, tgt)
		type grant struct {
			i   int
			tok uint64
		}
		grants := make(chan grant)
		resign := make([]chan struct{}, len(cs))
		var wg sync.WaitGroup
		cctx, cancel := context.WithCancel(ctx)
		for i, c := range cs {
			resign[i] = make(chan struct{})
			wg.Go(func() {
				for cctx.Err() == nil {
					tok, err := c.Campaign(cctx)
					if err != nil {
						return
					}
					grants <- grant{i, tok}
					select {
					case <-resign[i]:
					case <-cctx.Done():
						return
					}
					if err := c.Resign(cctx); err != nil && cctx.Err() == nil {
						t.Errorf("resign: %v", err)
					}
				}
			})
		}
		var toks []uint64
		for range 8 {
			select {
			case g := <-grants:
				toks = append(toks, g.tok)
				resign[g.i] <- struct{}{}
			case <-time.After(20 * time.Second):
				t.Fatalf("no grant after %v", toks)
			}
		}
		cancel()
		go func() {
			for range grants {
			}
		}()
		wg.Wait()
		close(grants)
		for i := 1; i < len(toks); i++ {
			if toks[i] <= toks[i-1] {
				t.Fatalf("tokens do not strictly increase: %v", toks)
			}
		}
	})

	t.Run("lost when the session is revoked", func(t *testing.T) {
		tgt := New(Options{Prefix: "/t/lost"})
		c := candidates(t, tgt)[0]
		if _, err := c.Campaign(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case <-c.Lost():
			t.Fatal("lost before anything happened")
		default:
		}
		resp, err := raw.Get(ctx, tgt.Prefix()+"/", clientv3.WithFirstCreate()...)
		if err != nil || len(resp.Kvs) != 1 {
			t.Fatalf("leader key: %v %v", resp, err)
		}
		start := time.Now()
		if _, err := raw.Revoke(ctx, clientv3.LeaseID(resp.Kvs[0].Lease)); err != nil {
			t.Fatal(err)
		}
		select {
		case <-c.Lost():
			t.Logf("lost after %v: %s", time.Since(start).Round(time.Millisecond), c.LostReason())
		case <-time.After(10 * time.Second):
			t.Fatal("Lost not closed 10s after the revoke")
		}
		if r := c.LostReason(); r != ReasonKeyDeleted && r != ReasonSessionDone {
			t.Fatalf("reason %q", r)
		}
		// A new campaign works after the loss, with a newer token.
		tok, err := c.Campaign(ctx)
		if err != nil || uint64(resp.Kvs[0].CreateRevision) >= tok {
			t.Fatalf("campaign after loss: %d %v", tok, err)
		}
	})

	t.Run("fenced write with a stale token is rejected", func(t *testing.T) {
		tgt := New(Options{Prefix: "/t/fence", ResourceKey: "/t/fence-resource"})
		cs := candidates(t, tgt)
		old, err := cs[0].Campaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := cs[0].FencedWrite(ctx, old, []byte("a")); err != nil {
			t.Fatalf("leader's write: %v", err)
		}
		if err := cs[0].Resign(ctx); err != nil {
			t.Fatal(err)
		}
		tok, err := cs[1].Campaign(ctx)
		if err != nil || tok <= old {
			t.Fatalf("second campaign: %d %v", tok, err)
		}
		if err := cs[0].FencedWrite(ctx, old, []byte("stale")); !errors.Is(err, targets.ErrRejected) {
			t.Fatalf("stale write by the old leader: %v", err)
		}
		if err := cs[1].FencedWrite(ctx, old, []byte("stale")); !errors.Is(err, targets.ErrRejected) {
			t.Fatalf("write of the old token by the new leader: %v", err)
		}
		if err := cs[1].FencedWrite(ctx, tok, []byte("b")); err != nil {
			t.Fatalf("new leader's write: %v", err)
		}
		resp, err := raw.Get(ctx, tgt.ResourceKey())
		if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "b" {
			t.Fatalf("resource: %v %v", resp, err)
		}
	})

	t.Run("observer follows the leader", func(t *testing.T) {
		tgt := New(Options{Prefix: "/t/obs"})
		obs, err := tgt.NewObserver(ctx, eps, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer obs.Close()
		var mu sync.Mutex
		var seen []string
		octx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- obs.Watch(octx, func(l string, tok uint64) {
				mu.Lock()
				defer mu.Unlock()
				seen = append(seen, fmt.Sprintf("%s@%d", l, tok))
			})
		}()
		c := candidates(t, tgt)[2]
		tok, err := c.Campaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Resign(ctx); err != nil {
			t.Fatal(err)
		}
		want := []string{"@0", fmt.Sprintf("n3@%d", tok), "@0"}
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			got := slices.Clone(seen)
			mu.Unlock()
			if slices.Equal(got, want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("observer saw %v, want %v", got, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
