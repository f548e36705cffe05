package etcd

import (
	"context"
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

func TestDefaultsAndTTLRounding(t *testing.T) {
	tgt := New(Options{})
	if tgt.Prefix() != DefaultPrefix || tgt.ResourceKey() != DefaultResourceKey || tgt.Name() != "etcd" {
		t.Fatalf("defaults: %q %q %q", tgt.Prefix(), tgt.ResourceKey(), tgt.Name())
	}
	for _, c := range []struct {
		ttl  time.Duration
		want int
	}{{0, 1}, {300 * time.Millisecond, 1}, {2 * time.Second, 2}, {2500 * time.Millisecond, 3}} {
		cand, err := tgt.NewCandidate(context.Background(), targets.Endpoint{Node: "n1", Addr: "127.0.0.1:1"},
			targets.CandidateConfig{Process: "n1", TTL: c.ttl})
		if err != nil {
			t.Fatal(err)
		}
		if got := cand.(*Candidate).ttl; got != c.want {
			t.Errorf("TTL %v: session TTL %ds, want %ds", c.ttl, got, c.want)
		}
		if err := cand.FencedWrite(context.Background(), 1, nil); err == nil {
			t.Error("fenced write before any campaign succeeded")
		}
		if err := cand.Close(); err != nil {
			t.Error(err)
		}
	}
}
