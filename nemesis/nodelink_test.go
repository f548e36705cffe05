package nemesis

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/netfault"
)

// linkFake is the fake cluster with network agents: it keeps the shape in
// force and answers probes as the shape says.
type linkFake struct {
	*fake
	lmu    sync.Mutex
	shapes []netfault.Shape // every Shape call
	rtt    time.Duration    // a healthy round trip
	noWay  bool             // probes never answer
}

func newLinkFake(n int) *linkFake { return &linkFake{fake: newFake(n), rtt: time.Millisecond} }

func (f *linkFake) Shape(_ context.Context, s netfault.Shape) (netfault.Applied, error) {
	f.lmu.Lock()
	defer f.lmu.Unlock()
	f.shapes = append(f.shapes, s)
	now := time.Now()
	return netfault.Applied{Asked: now.Add(-3 * time.Millisecond), InEffect: now, Methods: []netfault.Method{netfault.Nftables}}, nil
}

func (f *linkFake) LinkMethods() netfault.Methods { return netfault.Methods{Delay: netfault.Netem} }

func (f *linkFake) ProbeLink(_ context.Context, from, to string, size int, timeout time.Duration) (time.Duration, error) {
	f.lmu.Lock()
	defer f.lmu.Unlock()
	if f.noWay {
		return 0, errors.New("no answer")
	}
	s := f.shapes[len(f.shapes)-1]
	there, back := s[netfault.Link{From: from, To: to}], s[netfault.Link{From: to, To: from}]
	if there.Drop || back.Drop {
		return 0, errors.New("no answer")
	}
	rtt := f.rtt + there.Delay + back.Delay
	if there.Rate > 0 {
		rtt += time.Duration(float64(size) / float64(there.Rate) * float64(time.Second))
	}
	return rtt, nil
}

func (f *linkFake) env() Env { return Env{Cluster: f, Clients: f.fake, Rec: f.fake} }

// startOnLeader starts spec, a fault on the links of the leader n2, on f
// and checks that it shaped exactly those links, each way, with e.
func startOnLeader(t *testing.T, f *linkFake, spec FaultSpec, e netfault.Effect) (Fault, history.Fault) {
	t.Helper()
	fault, err := newFault(spec, rng(1))
	if err != nil {
		t.Fatal(err)
	}
	v, err := fault.Start(context.Background(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	want := netfault.Shape{{From: "n2", To: "n1"}: e, {From: "n1", To: "n2"}: e, {From: "n2", To: "n3"}: e, {From: "n3", To: "n2"}: e}
	if !reflect.DeepEqual(f.shapes[0], want) {
		t.Fatalf("shape %v, want %v", f.shapes[0], want)
	}
	return fault, v
}

func TestLinkDelayShapesAndProbes(t *testing.T) {
	f := newLinkFake(3) // the leader is n2
	spec := FaultSpec{Kind: "link-delay", Shape: "isolate-leader", Delay: 300 * time.Millisecond, Jitter: 100 * time.Millisecond, Duration: time.Second}
	fault, v := startOnLeader(t, f, spec, netfault.Effect{Delay: 300 * time.Millisecond, Jitter: 100 * time.Millisecond})
	if v.Delay != "300ms" || v.Jitter != "100ms" || v.Method != "nftables" || v.Took != "3ms" ||
		!reflect.DeepEqual(v.Groups, [][]string{{"n2"}, {"n1", "n3"}}) || !strings.Contains(v.Probe, "round trip 601ms") {
		t.Fatalf("recorded %+v", v)
	}
	if _, err := fault.Heal(context.Background(), f.env()); err != nil || len(f.shapes) != 2 || len(f.shapes[1]) != 0 {
		t.Fatalf("heal: %v, shapes %v", err, f.shapes)
	}
}

// A delay the probe does not see is not in effect: the start fails.
func TestLinkDelayNotInEffectFails(t *testing.T) {
	f := newLinkFake(3)
	nl := &noDelay{f}
	spec := FaultSpec{Kind: "link-delay", Victim: "n1", Delay: 200 * time.Millisecond, Duration: time.Second}
	fault, _ := newFault(spec, rng(1))
	_, err := fault.Start(context.Background(), Env{Cluster: nl, Clients: f.fake, Rec: f.fake})
	if err == nil || !strings.Contains(err.Error(), "the delay is not in effect") {
		t.Fatalf("start: %v", err)
	}
}

// noDelay is a cluster whose agents take a delay and apply none.
type noDelay struct{ *linkFake }

func (n *noDelay) ProbeLink(context.Context, string, string, int, time.Duration) (time.Duration, error) {
	return time.Millisecond, nil
}

func TestLinkRateShapesAndProbes(t *testing.T) {
	f := newLinkFake(3) // the leader is n2
	spec := FaultSpec{Kind: "link-rate", Victim: "leader", Bandwidth: 125_000, Duration: time.Second}
	_, v := startOnLeader(t, f, spec, netfault.Effect{Rate: 125_000})
	// 31250 B, a quarter second at 125 kB/s, plus the fake's 1 ms.
	if v.Bandwidth != "1mbit" || v.Delay != "" || !strings.Contains(v.Probe, ": 31250 B in 251ms (124.5 kB/s)") {
		t.Fatalf("recorded %+v", v)
	}
	if got := rateProbeSize(netfault.MinRate); got != 2<<10 {
		t.Errorf("probe at the lowest bandwidth: %d B, want 2 KiB", got)
	}
	if got := rateProbeSize(netfault.MaxRate); got != 512<<10 {
		t.Errorf("probe at the highest bandwidth: %d B, want 512 KiB", got)
	}
}

// A transfer faster than twice the bandwidth: the limit is not in effect.
func TestLinkRateNotInEffectFails(t *testing.T) {
	f := newLinkFake(3)
	spec := FaultSpec{Kind: "link-rate", Victim: "n1", Bandwidth: 125_000, Duration: time.Second}
	fault, _ := newFault(spec, rng(1))
	v, err := fault.Start(context.Background(), Env{Cluster: &noDelay{f}, Clients: f.fake, Rec: f.fake})
	if err == nil || !strings.Contains(err.Error(), "the limit is not in effect") || !strings.Contains(v.Probe, "31250 B in 1ms") {
		t.Fatalf("start: %v, probe %q", err, v.Probe)
	}
}

func TestLinkLossOneWayVictim(t *testing.T) {
	f := newLinkFake(3)
	spec := FaultSpec{Kind: "link-loss", Victim: "n3", Loss: 0.3, Direction: DirectionOneWay, Duration: time.Second}
	fault, _ := newFault(spec, rng(1))
	v, err := fault.Start(context.Background(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	e := netfault.Effect{Loss: 0.3}
	want := netfault.Shape{{From: "n3", To: "n1"}: e, {From: "n3", To: "n2"}: e}
	if !reflect.DeepEqual(f.shapes[0], want) || v.Direction != DirectionOneWay || v.Loss != 0.3 || !reflect.DeepEqual(v.Nodes, []string{"n3"}) {
		t.Fatalf("shape %v, recorded %+v", f.shapes[0], v)
	}
}

// A cluster without network agents fails the start with that reason.
func TestLinkFaultWithoutAgents(t *testing.T) {
	f := newFake(3)
	fault, _ := newFault(FaultSpec{Kind: "link-loss", Victim: "n1", Loss: 0.3, Duration: time.Second}, rng(1))
	if _, err := fault.Start(context.Background(), f.env()); !errors.Is(err, errNoNodeLinks) {
		t.Fatalf("start: %v", err)
	}
}

func TestOneWayPartition(t *testing.T) {
	f := newFake(3) // the leader is n2
	fault, _ := newFault(FaultSpec{Kind: "partition", Shape: "isolate-leader", Direction: DirectionOneWay, Duration: time.Second}, rng(1))
	v, err := fault.Start(context.Background(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	// n1 and n3 drop what n2 sends; n2 drops nothing.
	want := map[string][]string{"n1": {"n2"}, "n3": {"n2"}}
	if !reflect.DeepEqual(v.Grudge, want) || v.Direction != DirectionOneWay || f.calls[0] != `cut {"n1":["n2"],"n3":["n2"]}` {
		t.Fatalf("recorded %+v, calls %v", v, f.calls)
	}
}

func TestFlakyFlapsUntilHealed(t *testing.T) {
	f := newFake(3)
	spec := FaultSpec{Kind: "flaky", Victim: "n1", Period: 20 * time.Millisecond, Duration: time.Second}
	fault, _ := newFault(spec, rng(1))
	v, err := fault.Start(context.Background(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	if v.Period != "20ms" || !reflect.DeepEqual(v.Grudge, map[string][]string{"n1": {"n2", "n3"}, "n2": {"n1"}, "n3": {"n1"}}) {
		t.Fatalf("recorded %+v", v)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		n := len(f.calls)
		f.mu.Unlock()
		if n >= 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the link never flapped")
		}
		time.Sleep(5 * time.Millisecond)
	}
	hv, err := fault.Heal(context.Background(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	calls := append([]string(nil), f.calls...)
	f.mu.Unlock()
	// cut, mend, cut, mend, … and the heal's mend last.
	for i, c := range calls[:len(calls)-1] {
		if isCut := strings.HasPrefix(c, "cut "); isCut != (i%2 == 0) {
			t.Fatalf("call %d %q out of turn: %v", i, c, calls)
		}
	}
	cuts := 0
	for _, c := range calls {
		if strings.HasPrefix(c, "cut ") {
			cuts++
		}
	}
	if calls[len(calls)-1] != "mend" || hv.Flaps != cuts || cuts < 3 {
		t.Fatalf("heal %+v after calls %v", hv, calls)
	}
	time.Sleep(50 * time.Millisecond)
	f.mu.Lock()
	after := len(f.calls)
	f.mu.Unlock()
	if after != len(calls) {
		t.Fatalf("the link flapped on after the heal: %v", f.calls)
	}
}

func TestValidateNodeLinkFaults(t *testing.T) {
	s := time.Second
	tests := []struct {
		f     FaultSpec
		field string
	}{
		{FaultSpec{Kind: "link-loss", Shape: "halves", Loss: 0.3, Duration: s}, ""},
		{FaultSpec{Kind: "link-delay", Victim: "leader", Delay: 300 * time.Millisecond, Jitter: 200 * time.Millisecond, Duration: s}, ""},
		{FaultSpec{Kind: "link-delay", Victim: "n2", Delay: time.Millisecond, Direction: DirectionOneWay, Duration: s}, ""},
		{FaultSpec{Kind: "flaky", Shape: "isolate-leader", Period: 500 * time.Millisecond, Duration: 5 * s}, ""},
		{FaultSpec{Kind: "partition", Shape: "halves", Direction: DirectionOneWay, Duration: s}, ""},
		{FaultSpec{Kind: "partition", Shape: "bridge", Direction: DirectionOneWay, Duration: s}, "direction"},
		{FaultSpec{Kind: "pause", Victim: "n1", Direction: DirectionOneWay, Duration: s}, "direction"},
		{FaultSpec{Kind: "link-loss", Shape: "halves", Loss: 0.3, Direction: "sideways", Duration: s}, "direction"},
		{FaultSpec{Kind: "link-loss", Shape: "halves", Loss: 1, Duration: s}, "loss"},
		{FaultSpec{Kind: "link-loss", Shape: "halves", Duration: s}, "loss"},
		{FaultSpec{Kind: "link-loss", Shape: "halves", Loss: 0.3, Delay: s, Duration: s}, "delay"},
		{FaultSpec{Kind: "link-delay", Shape: "halves", Duration: s}, "delay"},
		{FaultSpec{Kind: "link-delay", Shape: "majority-ring", Delay: s, Duration: s}, "shape"},
		{FaultSpec{Kind: "link-delay", Shape: "halves", Victim: "n1", Delay: s, Duration: s}, "victim"},
		{FaultSpec{Kind: "link-delay", Victim: "n9", Delay: s, Duration: s}, "victim"},
		{FaultSpec{Kind: "flaky", Victim: "n1", Duration: s}, "period"},
		{FaultSpec{Kind: "flaky", Victim: "n1", Period: 10 * time.Millisecond, Duration: s}, "period"},
		{FaultSpec{Kind: "flaky", Victim: "n1", Period: s, Duration: s}, "period"},
		{FaultSpec{Kind: "kill", Victim: "n1", Period: s, Duration: s}, "period"},
		{FaultSpec{Kind: "link-loss", Victim: "n1", Loss: 0.3, Offset: s, Duration: s}, "offset"},
		{FaultSpec{Kind: "link-rate", Shape: "halves", Bandwidth: 125_000, Direction: DirectionOneWay, Duration: s}, ""},
		{FaultSpec{Kind: "link-rate", Shape: "halves", Duration: s}, "bandwidth"},
		{FaultSpec{Kind: "link-rate", Shape: "halves", Bandwidth: 999, Duration: s}, "bandwidth"},
		{FaultSpec{Kind: "link-rate", Shape: "halves", Bandwidth: netfault.MaxRate + 1, Duration: s}, "bandwidth"},
		{FaultSpec{Kind: "link-rate", Shape: "halves", Bandwidth: 125_000, Delay: s, Duration: s}, "delay"},
		{FaultSpec{Kind: "link-delay", Shape: "halves", Delay: s, Bandwidth: 125_000, Duration: s}, "bandwidth"},
		{FaultSpec{Kind: "client-delay", Victim: "n1", Delay: s, Bandwidth: 125_000, Duration: s}, "bandwidth"},
	}
	for _, tt := range tests {
		field, err := ValidateFault(tt.f, 3)
		if field != tt.field || (tt.field == "") != (err == nil) {
			t.Errorf("%+v: field %q err %v, want field %q", tt.f, field, err, tt.field)
		}
	}
}
