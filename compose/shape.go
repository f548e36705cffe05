package compose

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"sync"
	"time"

	"github.com/chaos-election/chaos/compose/netctl"
	"github.com/chaos-election/chaos/netfault"
)

// Shape puts s in force on the links between the nodes, REPLACING the
// shape in force: links absent from s become healthy. Each node's agent
// gets the node's part (what it receives, by sender, and what it sends,
// by receiver), all agents in parallel; agents whose part did not change
// are not asked. Shape returns once every agent asked has confirmed its
// rules are in the kernel, with when it was asked and when that was.
// Self-links and healthy links are ignored; a link naming an unknown node
// or an effect out of range is an error, before anything changes. The
// harness's own traffic to the nodes is never shaped.
//
// Drops and random loss are applied by nftables in the receiver's input;
// delays and rates by the agents' delay stage, when the spec asked for it
// (Spec.DelayLinks; [Cluster.LinkMethods] says how), and refused
// otherwise.
// When an agent fails, the others' rules are in force and the error
// names the node; the next Shape sends that node's rules again.
func (c *Cluster) Shape(ctx context.Context, s netfault.Shape) (netfault.Applied, error) {
	a, err := c.applyShape(ctx, s)
	if err != nil {
		return a, fmt.Errorf("shape: %w", err)
	}
	return a, nil
}

// LinkMethods says how this cluster applies delays and rates (drops and
// loss: nftables, always), as its agents said when they started: netem or
// the user-space proxy for delays, htb for rates. A cluster whose spec
// asked for neither delays nor rates (Spec.DelayLinks, Spec.RateLinks)
// has none; one that asked for rates only has no proxy.
func (c *Cluster) LinkMethods() netfault.Methods {
	const none = "the cluster was started without the agents' delay stage (compose.Spec.DelayLinks, RateLinks)"
	if !c.spec.shapesLinks() {
		return netfault.Methods{NoDelay: none, NoRate: none}
	}
	return c.methods
}

// applyShape is Shape without the error's prefix.
func (c *Cluster) applyShape(ctx context.Context, s netfault.Shape) (netfault.Applied, error) {
	asked := time.Now()
	s, err := c.checkShape(s)
	if err != nil {
		return netfault.Applied{}, err
	}
	c.cutMu.Lock()
	defer c.cutMu.Unlock()
	if len(c.agents) == 0 && len(s) > 0 {
		return netfault.Applied{}, errors.New("no network agents: the cluster was attached without partitions")
	}
	c.shape = s
	changed, err := c.syncAgents(ctx)
	a := netfault.Applied{Asked: asked, InEffect: time.Now()}
	if changed > 0 {
		a.Methods = c.methodsOf(s)
	}
	return a, err
}

// checkShape validates s's nodes and effects and returns it cleaned
// (nil when nothing is left).
func (c *Cluster) checkShape(s netfault.Shape) (netfault.Shape, error) {
	for _, l := range s.Links() {
		for _, n := range []string{l.From, l.To} {
			if _, err := c.node(n); err != nil {
				return nil, fmt.Errorf("link %s: %w", l, err)
			}
		}
		if err := s[l].Validate(); err != nil {
			return nil, fmt.Errorf("link %s: %w", l, err)
		}
	}
	s = s.Clean()
	if len(s) == 0 {
		return nil, nil
	}
	return s, nil
}

// rulesFor is node's part of the shape in force, by peer address. The
// caller holds cutMu.
func (c *Cluster) rulesFor(node string) netctl.NodeRules {
	return netctl.NodeRules{Into: c.byAddr(c.shape.Into(node)), OutOf: c.byAddr(c.shape.OutOf(node))}
}

// byAddr keys effects by the nodes' addresses (nil when there are none).
func (c *Cluster) byAddr(effects map[string]netfault.Effect) map[netip.Addr]netfault.Effect {
	if len(effects) == 0 {
		return nil
	}
	out := make(map[netip.Addr]netfault.Effect, len(effects))
	for name, e := range effects {
		n, _ := c.node(name) // checked by checkShape
		out[netip.MustParseAddr(n.IP)] = e
	}
	return out
}

// syncAgents sends each node whose rules changed its part of the shape
// in force, in parallel, and returns how many it sent. The caller holds
// cutMu.
func (c *Cluster) syncAgents(ctx context.Context) (int, error) {
	down, err := c.joinedDown(ctx)
	if err != nil {
		return 0, err
	}
	errs := make([]error, len(c.agents))
	sent := 0
	var wg sync.WaitGroup
	for i, ag := range c.agents {
		want := c.rulesFor(c.nodes[i].Name)
		if c.sent[i].known && sameRules(c.sent[i].rules, want) {
			continue
		}
		if down[i] {
			c.sent[i] = sentRules{} // Start gives its new agent the rules
			continue
		}
		sent++
		c.sent[i] = sentRules{}
		wg.Go(func() {
			if errs[i] = ag.client.apply(ctx, want); errs[i] == nil {
				c.sent[i] = sentRules{rules: want, known: true}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return sent, err
	}
	if sent > 0 {
		c.log.Debug("link shape in force", "nodes", sent, "links", len(c.shape))
	}
	return sent, nil
}

// joinedDown says, on an attached cluster, which nodes' containers are
// not running: their agents sit in a namespace the node left, which the
// harness no longer reaches, and Start replaces them. On a cluster Up
// started the agents own the namespaces and every node is reached.
func (c *Cluster) joinedDown(ctx context.Context) (map[int]bool, error) {
	if !c.joined {
		return nil, nil
	}
	down := map[int]bool{}
	for i, n := range c.nodes {
		st, err := c.state(ctx, n)
		if err != nil {
			return nil, err
		}
		down[i] = !st.Running
	}
	return down, nil
}

func sameRules(a, b netctl.NodeRules) bool {
	return maps.Equal(a.Into, b.Into) && maps.Equal(a.OutOf, b.OutOf)
}

// methodsOf are the methods the agents use for s: nftables for drops and
// loss (and for a heal, which clears the table), the delay method for
// delays, the rate method for rates.
func (c *Cluster) methodsOf(s netfault.Shape) []netfault.Method {
	var nft, delay, rate bool
	for _, e := range s {
		nft = nft || e.Drop || e.Loss > 0
		delay = delay || e.Delays()
		rate = rate || e.Rate > 0
	}
	var out []netfault.Method
	if nft || len(s) == 0 {
		out = append(out, netfault.Nftables)
	}
	if delay && c.methods.Delay != "" {
		out = append(out, c.methods.Delay)
	}
	if rate && c.methods.Rate != "" {
		out = append(out, c.methods.Rate)
	}
	return out
}
