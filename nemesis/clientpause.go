package nemesis

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/chaos-election/chaos/history"
)

var errNoClients = errors.New("the run has no clients to freeze")

// clientPause freezes one candidate for d; the freeze thaws by itself, so
// healing is waiting until it has.
type clientPause struct {
	victim  string
	d       time.Duration
	rng     *rand.Rand
	node    string
	process string
	until   time.Time
}

func (c *clientPause) Name() string { return "client-pause(" + c.victim + ")" }

func (c *clientPause) Start(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: "client-pause", Victim: c.victim, For: c.d.String()}
	err := chooseClientVictims(c.rng, env, c.victim, &v)
	nodes := v.Nodes
	v.Nodes = nil // recorded once there is a client to freeze
	if err != nil {
		return v, err
	}
	if env.Clients == nil {
		return v, failed("", "freeze a client", errNoClients)
	}
	c.node = nodes[0]
	v.Node, v.Nodes = c.node, []string{c.node}
	c.until = time.Now().Add(c.d)
	p, err := env.Clients.Freeze(ctx, c.node, c.d)
	c.process, v.Process = p, p
	if err != nil {
		return v, failed(c.node, "freeze "+c.node+"'s client", err)
	}
	return v, nil
}

func (c *clientPause) Heal(ctx context.Context, _ Env) (history.Fault, error) {
	v := history.Fault{Kind: "client-pause", Node: c.node, Process: c.process}
	if wait := time.Until(c.until); wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return v, failed(c.node, "wait for "+c.node+"'s client to thaw", ctx.Err())
		}
	}
	return v, nil
}
