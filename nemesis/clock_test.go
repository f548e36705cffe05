package nemesis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// fakeClocks records what the clock faults do to the candidates' clocks.
type fakeClocks struct{ calls []string }

func (c *fakeClocks) SetClock(_ context.Context, node string, offset time.Duration, rate float64) (string, error) {
	c.calls = append(c.calls, fmt.Sprintf("set %s %s %g", node, offset, rate))
	return node + "#2", nil
}

func (c *fakeClocks) ResetClock(node string) error {
	c.calls = append(c.calls, "reset "+node)
	return nil
}

// A clock-skew sets the leader's clock and records whose; HealAll, as on
// Ctrl-C (its context already cancelled), returns it to true time.
func TestClockFaultSetsAndHealsOnInterrupt(t *testing.T) {
	f := newFake(3)
	clocks := &fakeClocks{}
	env := f.env()
	env.Clocks = clocks
	n, err := New(Spec{Faults: []FaultSpec{{Kind: "clock-skew", Victim: "leader", Offset: -5 * time.Second, Duration: time.Hour}}}, env, rng(1))
	if err != nil {
		t.Fatal(err)
	}
	spec := n.spec.Faults[0]
	fault, err := newFault(spec, n.rng)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.start(context.Background(), spec, fault); err != nil {
		t.Fatal(err)
	}
	if len(clocks.calls) != 1 || !strings.HasPrefix(clocks.calls[0], "set n2 -5s") {
		t.Fatalf("calls %v, want the leader n2's clock set 5 s back", clocks.calls)
	}
	start, ok := f.ops[len(f.ops)-1].Fault()
	if !ok || start.Kind != "clock-skew" || start.Offset != "-5s" || start.Process != "n2#2" || start.Node != "n2" {
		t.Fatalf("recorded %s", f.ops[len(f.ops)-1].Value)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the run was interrupted: heals still run
	if err := n.HealAll(ctx); err != nil {
		t.Fatal(err)
	}
	if len(clocks.calls) != 2 || clocks.calls[1] != "reset n2" {
		t.Fatalf("calls %v, want the clock reset", clocks.calls)
	}
	heal := f.ops[len(f.ops)-1]
	if v, _ := heal.Fault(); heal.F != history.FFaultHeal || v.Kind != "clock-skew" || v.Process != "n2#2" {
		t.Fatalf("heal recorded %s %s", heal.F, heal.Value)
	}
}

// Without candidates' clocks (no election workload) a clock fault fails
// in plain words and is not left in effect.
func TestClockFaultWithoutClocks(t *testing.T) {
	f := newFake(3)
	n, err := New(Spec{Faults: []FaultSpec{{Kind: "clock-drift", Victim: "n1", Rate: 0.5, Duration: time.Hour}}}, f.env(), rng(1))
	if err != nil {
		t.Fatal(err)
	}
	spec := n.spec.Faults[0]
	fault, _ := newFault(spec, n.rng)
	err = n.start(context.Background(), spec, fault)
	var fe *FaultError
	if err == nil || !errors.As(err, &fe) || !strings.Contains(fe.Sentence(), "could not set a candidate's clock") {
		t.Fatalf("got %v", err)
	}
	if err := n.HealAll(context.Background()); err != nil {
		t.Fatalf("heal of a clock fault that never took effect: %v", err)
	}
}
