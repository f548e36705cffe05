//go:build docker

package compose

import (
	"context"
	"testing"
	"time"

	"github.com/chaos-election/chaos/netfault"
)

// A cluster started to delay its links: the agents say how (netem where
// the kernel has it, else their proxy of the peers' TCP), a delay of the
// links between two nodes is in effect when Shape returns (the agents'
// ping round trip takes both directions' delay, on connections opened
// before and after), the other links and the harness are not delayed, the
// cluster keeps working, and the heal returns the round trip to normal.
func TestDelayLinksDocker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := Up(ctx, testDocker, Spec{
		Nodes: 3, RunID: testRunID("cd"), Dir: t.TempDir(), Healthy: etcdHealthy, Log: testLog(t), DelayLinks: true, Seed: 7,
	})
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := c.Down(ctx); err != nil {
			t.Errorf("Down: %v", err)
		}
	})
	m := c.LinkMethods()
	if m.Delay != netfault.Netem && m.Delay != netfault.Proxy {
		t.Fatalf("methods %+v: no way to delay", m)
	}
	t.Logf("delays by %s (%s), rates by %s", m.Delay, m.NoDelay, m.Rate)
	rtt := func(from, to string) time.Duration {
		t.Helper()
		d, err := c.ProbeLink(ctx, from, to, 0, 5*time.Second)
		if err != nil {
			t.Fatalf("probe %s→%s: %v", from, to, err)
		}
		return d
	}
	before := rtt("n1", "n2")
	const delay = 200 * time.Millisecond
	e := netfault.Effect{Delay: delay}
	a, err := c.Shape(ctx, netfault.Between([]string{"n1"}, []string{"n2"}, e, false))
	if err != nil {
		t.Fatalf("Shape: %v", err)
	}
	t.Logf("delay in effect after %v by %v", a.Took(), a.Methods)
	if d := rtt("n1", "n2"); d < 2*delay || d > 2*delay+time.Second {
		t.Errorf("n1→n2 round trip %v with %v each way (before: %v)", d, delay, before)
	}
	if d := rtt("n2", "n1"); d < 2*delay {
		t.Errorf("n2→n1 round trip %v with %v each way", d, delay)
	}
	if d := rtt("n1", "n3"); d >= delay {
		t.Errorf("n1→n3 round trip %v: not a delayed link", d)
	}
	n1 := mustNode(t, c, "n1")
	if err := etcdPut(ctx, n1, "k", "v", 10*time.Second); err != nil {
		t.Errorf("a write through delayed links: %v", err)
	}
	if _, err := c.Shape(ctx, nil); err != nil {
		t.Fatalf("heal: %v", err)
	}
	if d := rtt("n1", "n2"); d >= delay {
		t.Errorf("n1→n2 round trip %v after the heal", d)
	}
}
