//go:build docker

package register

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/consul"
	"github.com/chaos-election/chaos/targets/etcd"
	"github.com/chaos-election/chaos/targets/zookeeper"
)

// On each real backend, in its linearizable read mode and without faults,
// the workload's history checks linearizable.
func TestRegisterOnRealBackends(t *testing.T) {
	for _, tc := range []struct {
		tgt interface {
			targets.Target
			targets.RegisterTarget
		}
		mode string
	}{
		{etcd.New(etcd.Options{}), etcd.ReadLinearizable},
		{zookeeper.New(zookeeper.Options{}), zookeeper.ReadSync},
		{consul.New(consul.Options{}), consul.ReadConsistent},
	} {
		t.Run(tc.tgt.Name(), func(t *testing.T) {
			eps := clustertest.Up(t, tc.tgt, 3)
			rec := history.NewWriter(io.Discard, history.NewClock(), history.KeepOps())
			w, err := Start(context.Background(), Config{Target: tc.tgt, Endpoints: eps, ReadMode: tc.mode, Seed: 7, Rec: rec})
			if err != nil {
				t.Fatal(err)
			}
			// At least 3 s, and until 150 ops completed (fewer in 3 s on a
			// loaded machine), for at most 30 s.
			for start := time.Now(); time.Since(start) < 3*time.Second ||
				completed(rec.Ops()) < 150 && time.Since(start) < 30*time.Second; {
				time.Sleep(100 * time.Millisecond)
			}
			w.Stop()
			if err := rec.Close(); err != nil {
				t.Fatal(err)
			}
			ops := rec.Ops()
			res := (&checkers.Linearizable{Timeout: 30 * time.Second}).Check(context.Background(), ops)
			t.Logf("%d ops: %s: %s", len(ops), res.Validity, res.Summary)
			if res.Validity != checkers.Valid || res.Figures["ops"] < 100 {
				t.Fatalf("%s with %v register ops: %+v", res.Validity, res.Figures["ops"], res.Anomalies)
			}
		})
	}
}

// completed counts the ops that completed (ok or fail).
func completed(ops []history.Op) int {
	n := 0
	for _, op := range ops {
		if op.Type == history.OK || op.Type == history.Fail {
			n++
		}
	}
	return n
}
