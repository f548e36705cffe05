package nemesis

import (
	"context"
	"errors"
	"math/rand/v2"

	"github.com/chaos-election/chaos/history"
)

var errNoCrashes = errors.New("the run has no candidates to crash")

// clientKill crashes one candidate's process (a controller pod that
// dies): it stops at once, releasing nothing, so its lease in the backend
// runs out by itself; the heal starts a fresh process of the node.
type clientKill struct {
	victim  string
	rng     *rand.Rand
	node    string
	process string
	end     func() // records the crashed process's end; nil once recorded
}

func (c *clientKill) Name() string { return "client-kill(" + c.victim + ")" }

func (c *clientKill) Start(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: "client-kill", Victim: c.victim}
	err := chooseClientVictims(c.rng, env, c.victim, &v)
	nodes := v.Nodes
	v.Nodes = nil // recorded once there is a client to crash
	if err != nil {
		return v, err
	}
	if env.Crashes == nil {
		return v, failed("", "crash a client", errNoCrashes)
	}
	c.node = nodes[0]
	v.Node, v.Nodes = c.node, []string{c.node}
	p, end, err := env.Crashes.Crash(ctx, c.node)
	if err != nil {
		return v, failed(c.node, "crash "+c.node+"'s client", err)
	}
	c.process, v.Process, c.end = p, p, end
	return v, nil
}

// started records the crashed process's end (its lost, or its op left
// unknown) right after the fault-start, which must come first: the
// checkers count a leadership's end as the fault's doing only after it.
func (c *clientKill) started() {
	if c.end != nil {
		c.end()
		c.end = nil
	}
}

func (c *clientKill) Heal(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: "client-kill", Node: c.node, Process: c.process}
	if c.node == "" || env.Crashes == nil { // nothing crashed
		return v, nil
	}
	c.started()
	if _, err := env.Crashes.Restart(ctx, c.node); err != nil {
		return v, failed(c.node, "restart "+c.node+"'s client", err)
	}
	return v, nil
}
