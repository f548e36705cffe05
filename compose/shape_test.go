package compose

import (
	"context"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/chaos-election/chaos/compose/netctl"
	"github.com/chaos-election/chaos/netfault"
)

func addrOf(c *Cluster, node string) netip.Addr {
	n, _ := c.node(node)
	return netip.MustParseAddr(n.IP)
}

// Each node's agent gets its part of a shape: what it receives, by
// sender, and what it sends, by receiver, keyed by address.
func TestShapePerNodeRules(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 3})
	drop, loss := netfault.Effect{Drop: true}, netfault.Effect{Loss: 0.3}
	s := netfault.Shape{
		{From: "n2", To: "n1"}: drop, // one way: n1 no longer hears n2
		{From: "n3", To: "n1"}: loss,
		{From: "n1", To: "n3"}: loss,
		{From: "n2", To: "n2"}: drop, // a self-link: ignored
		{From: "n3", To: "n2"}: {},   // healthy: ignored
	}
	before := time.Now()
	a, err := c.Shape(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if a.Asked.Before(before) || a.InEffect.Before(a.Asked) || !reflect.DeepEqual(a.Methods, []netfault.Method{netfault.Nftables}) {
		t.Errorf("Applied = %+v", a)
	}
	n1, n2, n3 := addrOf(c, "n1"), addrOf(c, "n2"), addrOf(c, "n3")
	want := map[string]netctl.NodeRules{
		"n1": {Into: map[netip.Addr]netfault.Effect{n2: drop, n3: loss}, OutOf: map[netip.Addr]netfault.Effect{n3: loss}},
		"n2": {OutOf: map[netip.Addr]netfault.Effect{n1: drop}},
		"n3": {Into: map[netip.Addr]netfault.Effect{n1: loss}, OutOf: map[netip.Addr]netfault.Effect{n1: loss}},
	}
	if got := f.nodeRules(c); !reflect.DeepEqual(got, want) {
		t.Errorf("rules in force:\n got %v\nwant %v", got, want)
	}
	if g := c.Grudge(); !reflect.DeepEqual(g, map[string][]string{"n1": {"n2"}}) {
		t.Errorf("Grudge = %v", g)
	}
	st, err := c.netState(ctx, "n1")
	if err != nil || !reflect.DeepEqual(st.Drop, []netip.Addr{n2}) || len(st.Loss) != 1 || st.Loss[0].P != 0.3 {
		t.Errorf("n1 shows %+v, %v", st, err)
	}

	// The same shape again: nothing sent, no method used.
	before2 := applies(f, c)
	if a, err := c.Shape(ctx, s.Clean()); err != nil || a.Methods != nil || applies(f, c) != before2 {
		t.Errorf("unchanged shape: %+v, %v, %d applies", a, err, applies(f, c)-before2)
	}
	// Only the nodes whose part changed are asked.
	s2 := s.Clean()
	delete(s2, netfault.Link{From: "n2", To: "n1"})
	if _, err := c.Shape(ctx, s2); err != nil {
		t.Fatal(err)
	}
	if n := applies(f, c) - before2; n != 2 {
		t.Errorf("a change of n2→n1 made %d applies, want 2 (n1 and n2)", n)
	}
	if a, err := c.Shape(ctx, nil); err != nil || len(a.Methods) != 1 {
		t.Errorf("Shape(nil) = %+v, %v", a, err)
	}
	if got := f.nodeRules(c); !reflect.DeepEqual(got, map[string]netctl.NodeRules{"n1": {}, "n2": {}, "n3": {}}) {
		t.Errorf("after Shape(nil): %v", got)
	}
}

func TestShapeRefusals(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 2})
	before := applies(f, c)
	for _, tc := range []struct {
		s    netfault.Shape
		want string
	}{
		{netfault.Shape{{From: "n1", To: "n9"}: {Drop: true}}, `shape: link n1→n9: unknown node "n9"`},
		{netfault.Shape{{From: "n7", To: "n1"}: {Drop: true}}, `unknown node "n7"`},
		{netfault.Shape{{From: "n1", To: "n2"}: {Loss: 1.5}}, "link n1→n2: loss 1.5"},
	} {
		if _, err := c.Shape(ctx, tc.s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Shape(%v) = %v, want %q", tc.s, err, tc.want)
		}
	}
	if n := applies(f, c) - before; n != 0 {
		t.Errorf("refused shapes made %d applies", n)
	}
	// Delays are the agents' to refuse, naming the effect.
	_, err := c.Shape(ctx, netfault.Shape{{From: "n1", To: "n2"}: {Delay: 300 * time.Millisecond}})
	if err == nil || !strings.Contains(err.Error(), "delay: this agent was started without a delay stage") || !strings.Contains(err.Error(), "n1: apply rules") {
		t.Errorf("a delay: %v", err)
	}
	if m := c.LinkMethods(); m.Delay != "" || !strings.Contains(m.NoDelay, "without the agents' delay stage") || m.Rate != "" {
		t.Errorf("LinkMethods = %+v", m)
	}
}

// Probe dials from one node's namespace, through its agent, to another's
// address.
func TestProbeGoesThroughTheAgent(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 3})
	if err := c.Probe(ctx, "n1", "n3", 2380, time.Second); err != nil {
		t.Fatal(err)
	}
	k := f.agentOf(c, "n1").agent.kernel
	if want := []string{ips(c, "n3") + ":2380"}; !reflect.DeepEqual(k.dials, want) {
		t.Errorf("n1's agent dialled %v, want %v", k.dials, want)
	}
	if err := c.Cut(ctx, map[string][]string{"n1": {"n3"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Probe(ctx, "n1", "n3", 2380, time.Second); err == nil || !strings.Contains(err.Error(), "probe n1→n3") {
		t.Errorf("probe across the cut: %v", err)
	}
	if err := c.Probe(ctx, "n1", "n9", 2380, time.Second); err == nil {
		t.Error("probe of an unknown node: no error")
	}
	// ProbeLink dials the other node's agent.
	if _, err := c.ProbeLink(ctx, "n2", "n3", 0, time.Second); err != nil {
		t.Fatal(err)
	}
	if k := f.agentOf(c, "n2").agent.kernel; len(k.dials) != 1 || k.dials[0] != ips(c, "n3")+":17070" {
		t.Errorf("n2's agent dialled %v, want n3's agent", k.dials)
	}
	if _, err := c.ProbeLink(ctx, "n1", "n3", 0, time.Second); err == nil {
		t.Error("ProbeLink across the cut: no error")
	}
}

// A spec that delays links gives each node's agent its peers (the other
// nodes' addresses), the proxy and a seed of its own; one that does not
// gives none, so agents of plans without delays set up no delay stage;
// one that only limits rates gives the peers and no proxy.
func TestAgentDelayStageArgs(t *testing.T) {
	nodes := []containerPlan{{IP: netip.MustParseAddr("10.0.0.2")}, {IP: netip.MustParseAddr("10.0.0.3")}, {IP: netip.MustParseAddr("10.0.0.4")}}
	if got := stageFor(Spec{}, nodes, 0).args(); got != nil {
		t.Fatalf("no delays: args %v", got)
	}
	got := stageFor(Spec{DelayLinks: true, Seed: 40}, nodes, 1).args()
	want := []string{"--peers", "10.0.0.2,10.0.0.4", "--seed", "41", "--peer-proxy"}
	if !slices.Equal(got, want) {
		t.Fatalf("args %v, want %v", got, want)
	}
	rates := stageFor(Spec{RateLinks: true, Seed: 40}, nodes, 1).args()
	if want := []string{"--peers", "10.0.0.2,10.0.0.4", "--seed", "41"}; !slices.Equal(rates, want) {
		t.Fatalf("rates only: args %v, want %v (no proxy)", rates, want)
	}
	cfg := agentConfig("r1", "n2", "10.0.0.3", &container.HostConfig{}, stageFor(Spec{DelayLinks: true, Seed: 40}, nodes, 1))
	if !slices.Equal(cfg.Cmd, append([]string{"netctl", "agent", "--listen", "10.0.0.3:17070"}, want...)) {
		t.Fatalf("agent command %v", cfg.Cmd)
	}
}
