package compose

import (
	"context"
	"fmt"
	"slices"

	"github.com/chaos-election/chaos/netfault"
)

// Cut makes the cluster drop traffic between nodes as grudge says:
// grudge[a] lists the nodes whose packets a drops. It REPLACES the whole
// cut set (it is [Cluster.Shape] of [netfault.FromGrudge]): nodes absent
// from grudge get their rules cleared. Only traffic between nodes is
// dropped; the harness always reaches every node. A node's own name in
// its list is ignored; an unknown node is an error. Cut returns once the
// rules are in effect on every node, killed and paused ones included
// (their agents hold their namespaces).
func (c *Cluster) Cut(ctx context.Context, grudge map[string][]string) error {
	g, err := c.checkGrudge(grudge)
	if err != nil {
		return fmt.Errorf("cut: %w", err)
	}
	if _, err := c.applyShape(ctx, netfault.FromGrudge(g)); err != nil {
		return fmt.Errorf("cut: %w", err)
	}
	return nil
}

// Mend clears every link effect: afterwards no node drops anything. It is
// [Cluster.Shape] of nothing: idempotent, and it reaches paused and
// killed nodes alike. A heal, it works on a cancelled context too (each
// agent's answer is then bounded by its own timeout only).
func (c *Cluster) Mend(ctx context.Context) error {
	if ctx.Err() != nil {
		ctx = context.WithoutCancel(ctx)
	}
	if _, err := c.applyShape(ctx, nil); err != nil {
		return fmt.Errorf("mend: %w", err)
	}
	return nil
}

// Grudge returns the cut set in force, the dropped links of the shape in
// force (nil when nothing is cut).
func (c *Cluster) Grudge() map[string][]string {
	c.cutMu.Lock()
	defer c.cutMu.Unlock()
	g := c.shape.Grudge()
	if len(g) == 0 {
		return nil
	}
	return g
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
