//go:build docker

package election

import (
	"context"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/targets/etcd"
)

// TestFreezeLeaderEtcd freezes the leader for TTL+3s: its lease expires,
// another candidate is elected, and when the zombie thaws it makes one
// write with its old token: accepted with resource "none", rejected with
// "token" and "backend".
func TestFreezeLeaderEtcd(t *testing.T) {
	eps := clustertest.Up(t, etcd.New(etcd.Options{}), 3)
	const ttl = 2 * time.Second
	for _, c := range []struct {
		resource string
		want     history.Type
	}{{ResourceNone, history.OK}, {ResourceToken, history.Fail}, {ResourceBackend, history.Fail}} {
		t.Run(c.resource, func(t *testing.T) {
			out := &syncBuffer{}
			rec := history.NewWriter(out, history.NewClock(), history.KeepOps())
			tgt := etcd.New(etcd.Options{Prefix: "/t/" + c.resource, ResourceKey: "/t/resource-" + c.resource})
			start := time.Now()
			w, err := Start(context.Background(), Config{Target: tgt, Endpoints: eps, Resource: c.resource,
				TTL: ttl, WriteEvery: 50 * time.Millisecond, Rec: rec})
			if err != nil {
				t.Fatal(err)
			}
			r := &run{t: t, w: w, rec: rec, out: out}
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				_ = w.Stop(ctx)
				_ = rec.Close()
			})
			var old string
			var oldTok uint64
			r.waitFor("a leader writing", func(ops []history.Op) bool {
				ws := find(ops, "", history.OK, history.FWrite)
				if len(ws) == 0 {
					return false
				}
				old, oldTok = ws[0].Process, token(t, ws[0])
				return true
			})
			t.Logf("figure: time to first leader %v", time.Since(start).Round(time.Millisecond))
			if node, ok := w.Leader(); !ok || node != nodeOf(old) {
				t.Logf("observer sees %q (%v), writer is %s", node, ok, old)
			}
			frozeAt := time.Now()
			process, err := w.Freeze(context.Background(), nodeOf(old), ttl+3*time.Second)
			if err != nil || process != old {
				t.Fatalf("Freeze = %q %v, want %q", process, err, old)
			}
			r.waitFor("a newer grant", func(ops []history.Op) bool {
				for _, g := range find(ops, "", history.OK, history.FCampaign) {
					if g.Process != old && token(t, g) > oldTok {
						return true
					}
				}
				return false
			})
			t.Logf("figure: failover after Freeze (TTL %v) %v", ttl, time.Since(frozeAt).Round(time.Millisecond))
			r.waitFor("the zombie's lost", func(ops []history.Op) bool {
				return len(find(ops, old, history.Info, history.FLost)) > 0
			})
			t.Logf("zombie learned it lost %v after Freeze", time.Since(frozeAt).Round(time.Millisecond))
			ops := r.stop()

			var newer *history.Op
			for _, g := range find(ops, "", history.OK, history.FCampaign) {
				if g.Process != old && token(t, g) > oldTok {
					newer = &g
					break
				}
			}
			lost := find(ops, old, history.Info, history.FLost)[0]
			var stale []history.Op
			for _, op := range ops {
				if op.Process == old && op.F == history.FWrite && op.Type != history.Invoke &&
					op.Index > newer.Index && op.Index < lost.Index {
					stale = append(stale, op)
				}
			}
			if len(stale) != 1 {
				t.Fatalf("%d writes of %s between the newer grant and its lost, want exactly 1\n%s", len(stale), old, dump(ops))
			}
			if stale[0].Type != c.want || token(t, stale[0]) != oldTok {
				t.Fatalf("stale write %+v, want %s with token %d", stale[0], c.want, oldTok)
			}
			t.Logf("stale write: %s token %d (newer grant %d) err=%q", stale[0].Type, oldTok, token(t, *newer), stale[0].Err)
		})
	}
}
