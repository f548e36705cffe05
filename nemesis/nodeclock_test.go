package nemesis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// clockCluster is the fake cluster with server nodes' clocks: it logs
// each set and reset, and the context error each reset saw.
type clockCluster struct {
	*fake
	resetErrs []error
	failSet   map[string]error
}

func (c *clockCluster) SetNodeClock(ctx context.Context, node string, offset time.Duration) error {
	c.call(fmt.Sprintf("set-clock %s %s", node, offset), "", ctx, false)
	return c.failSet[node]
}

func (c *clockCluster) ResetNodeClock(ctx context.Context, node string) error {
	c.mu.Lock()
	c.resetErrs = append(c.resetErrs, ctx.Err())
	c.mu.Unlock()
	return c.call("reset-clock "+node, "", ctx, false)
}

func nodeSkew(victim string) FaultSpec {
	return FaultSpec{Kind: "clock-skew", Clock: ClockNode, Victim: victim, Offset: -4 * time.Second, Duration: time.Hour}
}

// A clock-skew on a node sets the leader's server clock through the
// cluster, needs no candidates' clocks, and records clock node; the heal
// records the same node.
func TestNodeClockSetsAndRecords(t *testing.T) {
	c := &clockCluster{fake: newFake(3)}
	env := Env{Cluster: c, Clients: c.fake, Rec: c.fake} // no Clocks: no election workload
	n, err := New(Spec{Faults: []FaultSpec{nodeSkew("leader")}}, env, rng(1))
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
	if !slices.Equal(c.calls, []string{"set-clock n2 -4s"}) {
		t.Fatalf("calls %v, want the leader n2's clock set 4 s back", c.calls)
	}
	start := c.ops[len(c.ops)-1]
	if want := `{"clock":"node","fault":"clock-skew","node":"n2","nodes":["n2"],"offset":"-4s","victim":"leader"}`; start.F != history.FFaultStart || string(start.Value) != want || start.Node != "n2" {
		t.Fatalf("recorded %s %s (node %q), want %s", start.F, start.Value, start.Node, want)
	}
	if got := n.Active(); len(got) != 1 || got[0] != "clock-skew(node n2)" {
		t.Errorf("active %v", got)
	}
	if err := n.HealAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	heal := c.ops[len(c.ops)-1]
	if v, _ := heal.Fault(); heal.F != history.FFaultHeal || v.Clock != ClockNode || v.Kind != "clock-skew" || !slices.Equal(v.Nodes, []string{"n2"}) ||
		c.calls[len(c.calls)-1] != "reset-clock n2" {
		t.Fatalf("heal recorded %s %s, calls %v", heal.F, heal.Value, c.calls)
	}
	if err := n.HealAll(context.Background()); err != nil || len(c.calls) != 2 {
		t.Fatalf("HealAll again: %v, calls %v", err, c.calls)
	}
}

// A majority's clocks are set, as a pause takes a majority; one that
// fails is a FaultError naming its node, and the heal still resets every
// node the start tried.
func TestNodeClockMajorityFailure(t *testing.T) {
	c := &clockCluster{fake: newFake(3), failSet: map[string]error{"n3": errors.New("ssh: connect to host db3: connection refused")}}
	n, err := New(Spec{Faults: []FaultSpec{nodeSkew("majority")}}, Env{Cluster: c, Rec: c.fake}, rng(1))
	if err != nil {
		t.Fatal(err)
	}
	spec := n.spec.Faults[0]
	fault, _ := newFault(spec, n.rng)
	err = n.start(context.Background(), spec, fault)
	fes := FaultErrors(err)
	if len(fes) != 1 || fes[0].Node != "n3" || fes[0].Step != StepStart ||
		fes[0].Sentence() != "clock-skew majority: could not set n3's clock -4s off true time: ssh: connect to host db3: connection refused" {
		t.Fatalf("got %v (%d fault errors)", err, len(fes))
	}
	if err := n.HealAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	var resets []string
	for _, call := range c.calls {
		if strings.HasPrefix(call, "reset-clock ") {
			resets = append(resets, strings.TrimPrefix(call, "reset-clock "))
		}
	}
	if len(resets) != 2 || !slices.Contains(resets, "n3") {
		t.Fatalf("calls %v, want both victims reset, n3 among them", c.calls)
	}
}

// Cancelling the run (Ctrl-C) while a node's clock is skewed heals it on
// a context that is not cancelled, as every heal.
func TestNodeClockHealOutlivesCancel(t *testing.T) {
	c := &clockCluster{fake: newFake(3)}
	n, err := New(Spec{Faults: []FaultSpec{nodeSkew("n3")}}, Env{Cluster: c, Clients: c.fake, Rec: c.fake}, rng(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- n.Run(ctx) }()
	for len(n.Active()) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Equal(c.calls, []string{"set-clock n3 -4s", "reset-clock n3"}) || len(c.resetErrs) != 1 || c.resetErrs[0] != nil {
		t.Fatalf("calls %v, reset ctx errs %v", c.calls, c.resetErrs)
	}
	if heal := c.ops[len(c.ops)-1]; heal.F != history.FFaultHeal || !strings.Contains(string(heal.Value), `"clock":"node"`) {
		t.Fatalf("last op %s %s", heal.F, heal.Value)
	}
}

// A cluster without NodeClocks (compose) fails the fault in plain words,
// records a fault-error, and leaves nothing to heal.
func TestNodeClockWithoutCapability(t *testing.T) {
	f := newFake(3)
	n, err := New(Spec{Faults: []FaultSpec{nodeSkew("n1")}}, f.env(), rng(1))
	if err != nil {
		t.Fatal(err)
	}
	spec := n.spec.Faults[0]
	fault, _ := newFault(spec, n.rng)
	err = n.start(context.Background(), spec, fault)
	var fe *FaultError
	if !errors.As(err, &fe) || fe.Kind != "clock-skew" ||
		!strings.Contains(fe.Sentence(), "clock-skew n1: could not set a server node's clock: this cluster cannot set a server node's clock") {
		t.Fatalf("got %v", err)
	}
	if op := f.ops[len(f.ops)-1]; op.F != history.FFaultError || !strings.Contains(string(op.Value), `"clock":"node"`) {
		t.Fatalf("recorded %s %s", op.F, op.Value)
	}
	if err := n.HealAll(context.Background()); err != nil || len(f.calls) != 0 {
		t.Fatalf("heal of a fault that never took effect: %v, calls %v", err, f.calls)
	}
}

func TestValidateClockOf(t *testing.T) {
	for _, tc := range []struct {
		f     FaultSpec
		field string
		msg   string
	}{
		{nodeSkew("leader"), "", ""},
		{nodeSkew("majority"), "", ""}, // victims as for the node faults
		{FaultSpec{Kind: "clock-skew", Clock: ClockCandidate, Victim: "leader", Offset: time.Second, Duration: time.Second}, "", ""},
		{FaultSpec{Kind: "clock-skew", Victim: "majority", Offset: time.Second, Duration: time.Second}, "victim", "one candidate's clock"},
		{FaultSpec{Kind: "clock-skew", Clock: "server", Victim: "leader", Offset: time.Second, Duration: time.Second}, "clock", `unknown clock "server"`},
		{FaultSpec{Kind: "clock-drift", Clock: ClockNode, Victim: "n1", Rate: 0.5, Duration: time.Second}, "clock", "a node's rate cannot be set by a granted command; use clock-skew"},
		{FaultSpec{Kind: "kill", Clock: ClockCandidate, Victim: "n1", Duration: time.Second}, "clock", "not kill"},
	} {
		field, err := ValidateFault(tc.f, 3)
		if field != tc.field || (err == nil) != (tc.msg == "") || (err != nil && !strings.Contains(err.Error(), tc.msg)) {
			t.Errorf("%+v: field %q, %v; want field %q, %q", tc.f, field, err, tc.field, tc.msg)
		}
	}
}
