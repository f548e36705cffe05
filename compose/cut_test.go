package compose

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// ips returns the comma-separated addresses of nodes, as netctl writes them.
func ips(c *Cluster, nodes ...string) string {
	var out []string
	for _, n := range nodes {
		nd, _ := c.node(n)
		out = append(out, nd.IP)
	}
	return strings.Join(out, ",")
}

func wantRules(t *testing.T, f *fakeDocker, c *Cluster, want map[string]string) {
	t.Helper()
	got := f.rules(c)
	for _, n := range c.Names() {
		if got[n] != want[n] {
			t.Errorf("%s drops %q, want %q", n, got[n], want[n])
		}
	}
}

// applies counts the applies each node's agent has carried out.
func applies(f *fakeDocker, c *Cluster) int {
	n := 0
	for _, name := range c.Names() {
		n += f.agentOf(c, name).agent.kernel.count()
	}
	return n
}

func TestCutAndMend(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 3})
	halves := map[string][]string{"n1": {"n3"}, "n2": {"n3"}, "n3": {"n2", "n1", "n3"}} // n3's self-reference is ignored
	if err := c.Cut(ctx, halves); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, map[string]string{"n1": ips(c, "n3"), "n2": ips(c, "n3"), "n3": ips(c, "n1", "n2")})
	if g := c.Grudge(); len(g) != 3 || strings.Join(g["n3"], ",") != "n1,n2" {
		t.Errorf("Grudge = %v", g)
	}

	// The same cut again changes nothing: no agent is asked.
	before := applies(f, c)
	if err := c.Cut(ctx, halves); err != nil {
		t.Fatal(err)
	}
	if n := applies(f, c) - before; n != 0 {
		t.Errorf("an unchanged cut made %d applies", n)
	}

	// A new cut replaces the old one: nodes absent from it are cleared.
	if err := c.Cut(ctx, map[string][]string{"n1": {"n2"}}); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, map[string]string{"n1": ips(c, "n2")})

	if err := c.Mend(ctx); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, map[string]string{})
	before = applies(f, c)
	if err := c.Mend(ctx); err != nil {
		t.Fatal(err)
	}
	if n := applies(f, c) - before; n != 0 {
		t.Errorf("a second Mend made %d applies", n)
	}
	if c.Grudge() != nil {
		t.Errorf("Grudge after Mend = %v", c.Grudge())
	}

	if err := c.Cut(ctx, map[string][]string{"n9": {"n1"}}); err == nil || !strings.Contains(err.Error(), `"n9"`) {
		t.Errorf("Cut naming an unknown node: %v", err)
	}
	if err := c.Cut(ctx, map[string][]string{"n1": {"n8"}}); err == nil || !strings.Contains(err.Error(), `"n8"`) {
		t.Errorf("Cut naming an unknown node: %v", err)
	}
}

// Every node has an agent that owns its network namespace: the agent has
// the node's address, aliases and hostname, and the node's container
// joins it.
func TestEveryNodeHasAnAgent(t *testing.T) {
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 2})
	if n := len(f.agents()); n != 2 {
		t.Fatalf("%d agents, want 2", n)
	}
	for _, n := range c.Nodes() {
		ag := f.agentOf(c, n.Name)
		node := f.byName("chaos-r1-" + n.Name)
		if ag == nil || ag.Name != "chaos-r1-"+n.Name+"-netagent" || !ag.Running {
			t.Fatalf("%s: agent %+v", n.Name, ag)
		}
		if ag.Config.Image != NetctlImage || strings.Join(ag.Config.Entrypoint, " ") != "/chaos" ||
			strings.Join(ag.Config.Cmd, " ") != "netctl agent --listen "+n.IP+":17070" {
			t.Errorf("%s: agent runs %s %v %v", n.Name, ag.Config.Image, ag.Config.Entrypoint, ag.Config.Cmd)
		}
		if strings.Join(ag.Host.CapAdd, ",") != "NET_ADMIN" || string(ag.Host.NetworkMode) != "chaos-r1" {
			t.Errorf("%s: agent host config: network %s caps %v", n.Name, ag.Host.NetworkMode, ag.Host.CapAdd)
		}
		ep := ag.Net.EndpointsConfig["chaos-r1"]
		if ep == nil || ep.IPAMConfig.IPv4Address.String() != n.IP || strings.Join(ep.Aliases, ",") != n.Name || ag.Config.Hostname != n.Name {
			t.Errorf("%s: agent endpoint %+v hostname %q", n.Name, ep, ag.Config.Hostname)
		}
		l := ag.Config.Labels
		if l[LabelProject] != ProjectValue || l[LabelRun] != "r1" || l[LabelNode] != n.Name || l[LabelRole] != roleNetAgent {
			t.Errorf("%s: agent labels %v", n.Name, l)
		}
		if string(node.Host.NetworkMode) != "container:"+ag.ID || node.Net != nil || node.Config.Hostname != "" {
			t.Errorf("%s: node network %s, config %+v, hostname %q", n.Name, node.Host.NetworkMode, node.Net, node.Config.Hostname)
		}
		if node.Config.Labels[LabelRole] != roleNode {
			t.Errorf("%s: node labels %v", n.Name, node.Config.Labels)
		}
	}
}

// A killed node's rules live on in its agent's namespace: a cut made
// while it is down is in force when it starts, and Start asks no agent
// anything. A paused node's agent runs on.
func TestRulesFollowKillStartAndPause(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 3})
	isolate3 := map[string][]string{"n1": {"n3"}, "n2": {"n3"}, "n3": {"n1", "n2"}}
	cut := map[string]string{"n1": ips(c, "n3"), "n2": ips(c, "n3"), "n3": ips(c, "n1", "n2")}

	if err := c.Kill(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if err := c.Cut(ctx, isolate3); err != nil {
		t.Fatalf("Cut with n3 killed: %v", err)
	}
	wantRules(t, f, c, cut)
	before := applies(f, c)
	if err := c.Start(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, cut)
	// Killed and started again during the cut: still cut, nothing re-applied.
	if err := c.Kill(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, cut)
	if err := c.Start(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, cut)
	if n := applies(f, c) - before; n != 0 {
		t.Errorf("Start made %d applies", n)
	}
	if !f.agentOf(c, "n3").Running {
		t.Error("n3's agent stopped with its node")
	}

	// Mend reaches a paused node; it thaws uncut.
	if err := c.Pause(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if ag := f.agentOf(c, "n3"); !ag.Running || ag.Paused {
		t.Error("n3's agent was paused with its node")
	}
	if err := c.Mend(ctx); err != nil {
		t.Fatalf("Mend with n3 paused: %v", err)
	}
	if err := c.Unpause(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, map[string]string{})

	// Mend reaches a killed node too; it starts uncut.
	if err := c.Cut(ctx, isolate3); err != nil {
		t.Fatal(err)
	}
	if err := c.Kill(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mend(ctx); err != nil {
		t.Fatalf("Mend with n3 killed: %v", err)
	}
	wantRules(t, f, c, map[string]string{})
	if err := c.Start(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, map[string]string{})
}

func TestNodePrimitivesAreIdempotent(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 1})
	ct := func() *fakeCtr { return f.byName("chaos-r1-n1") }
	for range 2 {
		if err := c.Pause(ctx, "n1"); err != nil {
			t.Fatal(err)
		}
	}
	if !ct().Paused {
		t.Fatal("not paused")
	}
	for range 2 {
		if err := c.Unpause(ctx, "n1"); err != nil {
			t.Fatal(err)
		}
	}
	if ct().Paused {
		t.Fatal("still paused")
	}
	id := ct().ID
	for range 2 {
		if err := c.Kill(ctx, "n1"); err != nil {
			t.Fatal(err)
		}
	}
	if ct().Running {
		t.Fatal("still running")
	}
	if err := c.Pause(ctx, "n1"); err == nil {
		t.Error("Pause of a killed node: want error")
	}
	for range 2 {
		if err := c.Start(ctx, "n1"); err != nil {
			t.Fatal(err)
		}
	}
	if !ct().Running || ct().ID != id || ct().Starts != 2 {
		t.Errorf("after Start: running %v, same container %v, starts %d (want 2)", ct().Running, ct().ID == id, ct().Starts)
	}
	// A paused node can be killed.
	if err := c.Pause(ctx, "n1"); err != nil {
		t.Fatal(err)
	}
	if err := c.Kill(ctx, "n1"); err != nil {
		t.Fatal(err)
	}
	if ct().Running {
		t.Error("a paused node survived Kill")
	}
	if err := c.Kill(ctx, "n7"); err == nil {
		t.Error("Kill of an unknown node: want error")
	}
}

// An agent that fails leaves its node's rules unknown: the error names
// the node, and the next Shape sends them again even though they did not
// change.
func TestCutFailureIsRetried(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 2})
	k := f.agentOf(c, "n1").agent.kernel
	k.setFail(errors.New("netlink: operation not permitted"))
	cut := map[string][]string{"n1": {"n2"}, "n2": {"n1"}}
	err := c.Cut(ctx, cut)
	if err == nil || !strings.Contains(err.Error(), "n1: apply rules") || !strings.Contains(err.Error(), "operation not permitted") {
		t.Fatalf("Cut with n1's nftables failing: err = %v, want one naming n1", err)
	}
	wantRules(t, f, c, map[string]string{"n2": ips(c, "n1")}) // n2 is cut all the same
	k.setFail(nil)
	if err := c.Cut(ctx, cut); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, map[string]string{"n1": ips(c, "n2"), "n2": ips(c, "n1")})
}

// An agent whose process died (its container gone) fails the cut of its
// node with an error naming it; the harness reconnects once it is back.
func TestCutWithAnAgentGone(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 2})
	if err := c.Cut(ctx, map[string][]string{"n1": {"n2"}}); err != nil { // connects to every agent
		t.Fatal(err)
	}
	ag := f.agentOf(c, "n2")
	f.mu.Lock()
	ag.exit(137)
	f.mu.Unlock()
	err := c.Cut(ctx, map[string][]string{"n2": {"n1"}})
	if err == nil || !strings.Contains(err.Error(), "n2: apply rules") {
		t.Fatalf("Cut with n2's agent gone: %v", err)
	}
	if err := f.start(ag.ID); err != nil { // a new process, no rules
		t.Fatal(err)
	}
	if err := c.Cut(ctx, map[string][]string{"n2": {"n1"}}); err != nil {
		t.Fatalf("Cut with n2's agent back: %v", err)
	}
	wantRules(t, f, c, map[string]string{"n2": ips(c, "n1")})
}

// Mend heals on a context that is already cancelled (an interrupted run).
func TestMendOnACancelledContext(t *testing.T) {
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 2})
	if err := c.Cut(context.Background(), map[string][]string{"n1": {"n2"}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Mend(ctx); err != nil {
		t.Fatalf("Mend on a cancelled context: %v", err)
	}
	wantRules(t, f, c, map[string]string{})
}
