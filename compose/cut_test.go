package compose

import (
	"context"
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

func sidecarsLeft(f *fakeDocker) int {
	n := 0
	for _, name := range f.names() {
		if strings.Contains(name, "-netctl-") {
			n++
		}
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
	if n := sidecarsLeft(f); n != 0 {
		t.Errorf("%d sidecars left behind", n)
	}
	if g := c.Grudge(); len(g) != 3 || strings.Join(g["n3"], ",") != "n1,n2" {
		t.Errorf("Grudge = %v", g)
	}

	// The same cut again changes nothing: no sidecar runs.
	before := f.countCalls("ContainerCreate chaos-r1-netctl-")
	if err := c.Cut(ctx, halves); err != nil {
		t.Fatal(err)
	}
	if n := f.countCalls("ContainerCreate chaos-r1-netctl-") - before; n != 0 {
		t.Errorf("an unchanged cut ran %d sidecars", n)
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
	before = f.countCalls("ContainerCreate chaos-r1-netctl-")
	if err := c.Mend(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.countCalls("ContainerCreate chaos-r1-netctl-") - before; n != 0 {
		t.Errorf("a second Mend ran %d sidecars", n)
	}
	if c.Grudge() != nil {
		t.Errorf("Grudge after Mend = %v", c.Grudge())
	}

	if err := c.Cut(ctx, map[string][]string{"n9": {"n1"}}); err == nil {
		t.Error("Cut naming an unknown node: want error")
	}
}

func TestSidecarShape(t *testing.T) {
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 2})
	if err := c.Cut(context.Background(), map[string][]string{"n1": {"n2"}}); err != nil {
		t.Fatal(err)
	}
	sc := f.sidecars()
	if len(sc) != 1 {
		t.Fatalf("%d sidecars, want 1 (n2 has nothing to clear)", len(sc))
	}
	n1, _ := c.node("n1")
	s := sc[0]
	if s.Config.Image != NetctlImage || strings.Join(s.Config.Entrypoint, " ") != "/chaos" ||
		strings.Join(s.Config.Cmd, " ") != "netctl drop --from "+ips(c, "n2") {
		t.Errorf("sidecar runs %s %v %v", s.Config.Image, s.Config.Entrypoint, s.Config.Cmd)
	}
	if string(s.Host.NetworkMode) != "container:"+n1.ContainerID || strings.Join(s.Host.CapAdd, ",") != "NET_ADMIN" {
		t.Errorf("sidecar host config: network %s caps %v", s.Host.NetworkMode, s.Host.CapAdd)
	}
	l := s.Config.Labels
	if l[LabelProject] != ProjectValue || l[LabelRun] != "r1" || l[LabelNode] != "n1" || l[LabelRole] != roleNetctl {
		t.Errorf("sidecar labels %v", l)
	}
	if f.byName(s.Name) != nil {
		t.Error("the sidecar was not removed")
	}
}

func TestRulesFollowKillStartAndPause(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 3})
	isolate3 := map[string][]string{"n1": {"n3"}, "n2": {"n3"}, "n3": {"n1", "n2"}}
	cut := map[string]string{"n1": ips(c, "n3"), "n2": ips(c, "n3"), "n3": ips(c, "n1", "n2")}

	// A node killed during a cut is skipped, and cut again when started.
	if err := c.Kill(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if err := c.Cut(ctx, isolate3); err != nil {
		t.Fatalf("Cut with n3 killed: %v", err)
	}
	if err := c.Start(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, cut)
	// Killed and started again during the cut: cut again.
	if err := c.Kill(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if r := f.rules(c)["n3"]; r != "" {
		t.Fatalf("fake: a killed node kept rules %q", r)
	}
	if err := c.Start(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, cut)

	// Mend reaches a paused node; it thaws uncut.
	if err := c.Pause(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mend(ctx); err != nil {
		t.Fatalf("Mend with n3 paused: %v", err)
	}
	if err := c.Unpause(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, map[string]string{})

	// Mend skips a killed node (its rules died with it); it starts uncut
	// and no sidecar is needed for it.
	if err := c.Cut(ctx, isolate3); err != nil {
		t.Fatal(err)
	}
	if err := c.Kill(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mend(ctx); err != nil {
		t.Fatalf("Mend with n3 killed: %v", err)
	}
	before := len(f.sidecars())
	if err := c.Start(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if n := len(f.sidecars()) - before; n != 0 {
		t.Errorf("Start of an uncut node ran %d sidecars", n)
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

func TestCutFailureIsRetried(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 2})
	// n2's sidecar cannot join: n2 is dead by the time it starts, but the
	// cluster does not know yet (it died on its own).
	n2 := f.byName("chaos-r1-n2")
	f.mu.Lock()
	n2.exit(1)
	f.mu.Unlock()
	if err := c.Cut(ctx, map[string][]string{"n1": {"n2"}, "n2": {"n1"}}); err != nil {
		t.Fatalf("Cut with n2 dead: %v", err)
	}
	wantRules(t, f, c, map[string]string{"n1": ips(c, "n2")})
	// Make the next sidecar fail: its image is gone.
	f.mu.Lock()
	delete(f.images, NetctlImage)
	f.mu.Unlock()
	err := c.Cut(ctx, map[string][]string{"n1": {}})
	if err == nil || !strings.Contains(err.Error(), "n1") {
		t.Fatalf("Cut with no sidecar image: err = %v, want one naming n1", err)
	}
	f.addImage(NetctlImage, nil)
	if err := c.Cut(ctx, map[string][]string{"n1": {}}); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, map[string]string{})
}
