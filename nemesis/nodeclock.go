package nemesis

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/chaos-election/chaos/history"
)

// Whose clock a clock fault sets (FaultSpec.Clock).
const (
	// ClockCandidate is the victim's candidates' own clock, which the
	// lease-timestamp recipe reads (the default, "" too).
	ClockCandidate = "candidate"
	// ClockNode is the victim server node's own clock, set through the
	// cluster's [NodeClocks] (clock-skew only).
	ClockNode = "node"
)

// NodeClock reports whether f skews a server node's clock rather than a
// candidate's: a clock-skew with clock: node.
func (f FaultSpec) NodeClock() bool { return f.Kind == "clock-skew" && f.Clock == ClockNode }

var errNoNodeClocks = errors.New("this cluster cannot set a server node's clock (on cluster: external, grant it with external.commands.clock-skew)")

// validateClockOf checks whose clock a fault names: candidate or node,
// only on a clock fault, and node only for a clock-skew.
func validateClockOf(f FaultSpec) (field string, err error) {
	switch {
	case f.Clock == "":
		return "", nil
	case f.Clock != ClockCandidate && f.Clock != ClockNode:
		return "clock", fmt.Errorf("unknown clock %q: %s (the default: the victim candidate's own clock) or %s (the victim server node's clock)", f.Clock, ClockCandidate, ClockNode)
	case !IsClockFault(f.Kind):
		return "clock", fmt.Errorf("only the clock faults (%s) say whose clock they set, not %s", strings.Join(clockKinds, ", "), f.Kind)
	case f.Clock == ClockNode && f.Kind != "clock-skew":
		return "clock", fmt.Errorf("a %s cannot run on a node: a node's rate cannot be set by a granted command; use clock-skew with an offset", f.Kind)
	}
	return "", nil
}

// nodeClock sets the victim server nodes' clocks off true time through
// the cluster's [NodeClocks]; healing returns them to true time.
type nodeClock struct {
	victim string
	offset time.Duration
	rng    *rand.Rand
	nodes  []string // whose clock the start set (or tried to)
}

func (c *nodeClock) Name() string {
	if len(c.nodes) > 0 {
		return "clock-skew(node " + strings.Join(c.nodes, ",") + ")"
	}
	return "clock-skew(node " + c.victim + ")"
}

// value is what the fault records, on nodes.
func (c *nodeClock) value(nodes []string) history.Fault {
	v := history.Fault{Kind: "clock-skew", Clock: ClockNode, Nodes: nodes}
	if len(nodes) == 1 {
		v.Node = nodes[0]
	}
	return v
}

func (c *nodeClock) Start(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: "clock-skew", Clock: ClockNode, Victim: c.victim, Offset: c.offset.String()}
	if err := chooseVictims(c.rng, env, c.victim, &v); err != nil {
		return v, err
	}
	if len(v.Nodes) == 1 {
		v.Node = v.Nodes[0]
	}
	nc, ok := env.Cluster.(NodeClocks)
	if !ok {
		return v, failed("", "set a server node's clock", errNoNodeClocks)
	}
	c.nodes = v.Nodes
	errs := make([]*FaultError, len(c.nodes))
	for i, n := range c.nodes {
		if err := nc.SetNodeClock(ctx, n, c.offset); err != nil {
			errs[i] = failed(n, fmt.Sprintf("set %s's clock %s off true time", n, c.offset), err)
		}
	}
	return v, joinFailures(errs)
}

func (c *nodeClock) Heal(ctx context.Context, env Env) (history.Fault, error) {
	v := c.value(c.nodes)
	nc, ok := env.Cluster.(NodeClocks)
	if len(c.nodes) == 0 || !ok {
		return v, nil // never took effect
	}
	errs := make([]*FaultError, len(c.nodes))
	for i, n := range c.nodes {
		if err := nc.ResetNodeClock(ctx, n); err != nil {
			errs[i] = failed(n, "return "+n+"'s clock to true time", err)
		}
	}
	return v, joinFailures(errs)
}
