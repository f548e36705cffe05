package compose

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"

	"github.com/chaos-election/chaos/compose/netctl"
)

// Cut makes the cluster drop traffic between nodes as grudge says:
// grudge[a] lists the nodes whose packets a drops. It REPLACES the whole
// cut set: nodes absent from grudge get their rules cleared. Only traffic
// between nodes is dropped; the harness always reaches every node. A
// node's own name in its list is ignored. Cut returns once the rules are
// in effect on every running (or paused) node; a killed node gets its
// rules when Start brings it back.
func (c *Cluster) Cut(ctx context.Context, grudge map[string][]string) error {
	g, err := c.checkGrudge(grudge)
	if err != nil {
		return fmt.Errorf("cut: %w", err)
	}
	c.cutMu.Lock()
	defer c.cutMu.Unlock()
	c.grudge = g
	if err := c.syncAll(ctx); err != nil {
		return fmt.Errorf("cut: %w", err)
	}
	return nil
}

// Mend clears every cut: afterwards no node drops anything. It is
// idempotent, works on paused nodes (their network namespace lives on)
// and skips killed ones (their rules died with their namespace).
func (c *Cluster) Mend(ctx context.Context) error {
	c.cutMu.Lock()
	defer c.cutMu.Unlock()
	c.grudge = nil
	if err := c.syncAll(ctx); err != nil {
		return fmt.Errorf("mend: %w", err)
	}
	return nil
}

// Grudge returns the cut set in force (nil when mended).
func (c *Cluster) Grudge() map[string][]string {
	c.cutMu.Lock()
	defer c.cutMu.Unlock()
	out := make(map[string][]string, len(c.grudge))
	for k, v := range c.grudge {
		out[k] = slices.Clone(v)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// checkGrudge validates node names and returns a sorted, deduplicated
// copy without self-references or empty lists.
func (c *Cluster) checkGrudge(grudge map[string][]string) (map[string][]string, error) {
	out := make(map[string][]string, len(grudge))
	for a, froms := range grudge {
		if _, err := c.node(a); err != nil {
			return nil, err
		}
		var list []string
		for _, b := range froms {
			if _, err := c.node(b); err != nil {
				return nil, err
			}
			if b != a {
				list = append(list, b)
			}
		}
		slices.Sort(list)
		if list = slices.Compact(list); len(list) > 0 {
			out[a] = list
		}
	}
	return out, nil
}

// dropFor is what node's namespace must drop under the cut set in force,
// as netctl writes it. The caller holds cutMu.
func (c *Cluster) dropFor(node string) string {
	var addrs []netip.Addr
	for _, b := range c.grudge[node] {
		n, _ := c.node(b)
		addrs = append(addrs, netip.MustParseAddr(n.IP))
	}
	return netctl.FormatAddrs(addrs)
}

// syncAll brings every node's rules in line with the cut set, nodes in
// parallel. The caller holds cutMu.
func (c *Cluster) syncAll(ctx context.Context) error {
	errs := make([]error, len(c.nodes))
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		wg.Go(func() { errs[i] = c.syncRules(ctx, n) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// syncRules makes n's namespace drop what the cut set says, running the
// netctl sidecar only when that changes something. The caller holds cutMu.
func (c *Cluster) syncRules(ctx context.Context, n Node) error {
	want := c.dropFor(n.Name)
	st, err := c.state(ctx, n)
	if err != nil {
		return err
	}
	if !st.Running {
		// Killed: no namespace, no rules; Start applies them.
		c.setRules(n.Name, nsRules{})
		return nil
	}
	cur := c.getRules(n.Name)
	fresh := cur.startedAt != st.StartedAt // (re)started since we last touched it: no rules
	switch {
	case !fresh && cur.known && cur.drop == want:
		return nil
	case fresh && want == "":
		c.setRules(n.Name, nsRules{startedAt: st.StartedAt, known: true})
		return nil
	}
	args := []string{"netctl", "clear"}
	if want != "" {
		args = []string{"netctl", "drop", "--from", want}
	}
	if _, err := c.runNetctl(ctx, n, args...); err != nil {
		c.setRules(n.Name, nsRules{startedAt: st.StartedAt})
		return err
	}
	c.setRules(n.Name, nsRules{startedAt: st.StartedAt, drop: want, known: true})
	c.log.Debug("rules applied", "node", n.Name, "drop", want)
	return nil
}

func (c *Cluster) getRules(node string) nsRules {
	c.rulesMu.Lock()
	defer c.rulesMu.Unlock()
	return c.rules[node]
}

func (c *Cluster) setRules(node string, r nsRules) {
	c.rulesMu.Lock()
	defer c.rulesMu.Unlock()
	c.rules[node] = r
}
