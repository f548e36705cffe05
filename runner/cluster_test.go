package runner

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/chaos-election/chaos/compose"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/tuning"
)

// The cluster compose starts is the plan's: the servers' own settings
// included, and health by the target's probe of each node.
func TestComposeSpecOfThePlan(t *testing.T) {
	pl := plan.Default()
	for flag, v := range map[string]string{"target": "zookeeper", "nodes": "5", "zookeeper-tick-time": "250ms", "etcd-election-timeout": "2s"} {
		if err := pl.SetFlag(flag, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := pl.Validate(); err != nil {
		t.Fatal(err)
	}
	var probed []targets.Endpoint
	probe := func(_ context.Context, ep targets.Endpoint) error {
		probed = append(probed, ep)
		return errors.New("not yet")
	}
	rd := RunDir{Path: t.TempDir(), Name: pl.Name, ID: "0123abcd"}
	s := composeSpec(pl, rd, probe, slog.New(slog.DiscardHandler))
	want := tuning.Settings{ZooKeeper: tuning.ZooKeeper{TickTime: 250 * time.Millisecond}, Etcd: tuning.Etcd{ElectionTimeout: 2 * time.Second}}
	if s.Target != "zookeeper" || s.Nodes != 5 || s.RunID != "0123abcd" || s.Dir != rd.Path || s.Tuning != want {
		t.Errorf("spec %+v", s)
	}
	if err := s.Healthy(context.Background(), compose.Node{Name: "n2", ClientAddr: "172.29.0.12:2181"}); err == nil ||
		len(probed) != 1 || probed[0] != (targets.Endpoint{Node: "n2", Addr: "172.29.0.12:2181"}) {
		t.Errorf("health probe: %v, probed %v", err, probed)
	}
}
