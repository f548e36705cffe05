package nemesis

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Fault is one fault: Start returns once it is in effect, with the value
// to record; Heal undoes it, is idempotent, and must work on a context the
// run has already cancelled (callers pass one that outlives it).
type Fault interface {
	Name() string
	Start(ctx context.Context, env Env) (value map[string]any, err error)
	Heal(ctx context.Context, env Env) (value map[string]any, err error)
}

// newFault makes the fault a spec describes; the victims and shapes are
// drawn from rng when it starts.
func newFault(spec FaultSpec, rng *rand.Rand) (Fault, error) {
	switch spec.Kind {
	case "partition":
		return &partition{shape: spec.Shape, rng: rng}, nil
	case "pause":
		return &nodeFault{kind: "pause", victim: spec.Victim, rng: rng}, nil
	case "kill":
		return &nodeFault{kind: "kill", victim: spec.Victim, rng: rng}, nil
	case "client-pause":
		return &clientPause{victim: spec.Victim, d: spec.Duration, rng: rng}, nil
	case "client-partition", "client-delay", "client-loss":
		return newLinkFault(spec, rng), nil
	}
	return nil, fmt.Errorf("unknown fault kind %q", spec.Kind)
}

// partition cuts the cluster in one of Jepsen's shapes.
type partition struct {
	shape string
	rng   *rand.Rand
	cut   bool
}

func (p *partition) Name() string { return "partition(" + p.shape + ")" }

func (p *partition) Start(ctx context.Context, env Env) (map[string]any, error) {
	nodes := sorted(env.Cluster.Names())
	v := map[string]any{"fault": "partition", "shape": p.shape}
	var g Grudge
	switch p.shape {
	case "halves":
		groups := halves(p.rng, nodes)
		g, v["groups"] = completeGrudge(groups), groups
	case "isolate-leader":
		vs, fallback, err := victims(p.rng, env, "leader")
		if err != nil {
			return v, err
		}
		groups := isolate(vs[0], nodes)
		g, v["groups"], v["nodes"] = completeGrudge(groups), groups, vs
		if fallback {
			v["fallback"] = "random"
		}
	case "majority-ring":
		g = majoritiesRing(p.rng, nodes)
		v["grudge"] = g
	case "bridge":
		var b string
		g, b = bridge(p.rng, nodes)
		v["grudge"], v["bridge"] = g, b
	case "random":
		groups := randomGroups(p.rng, nodes)
		g, v["groups"] = completeGrudge(groups), groups
	default:
		return v, fmt.Errorf("unknown partition shape %q", p.shape)
	}
	p.cut = true
	if err := env.Cluster.Cut(ctx, g); err != nil {
		return v, fmt.Errorf("partition %s: %w", p.shape, err)
	}
	return v, nil
}

func (p *partition) Heal(ctx context.Context, env Env) (map[string]any, error) {
	v := map[string]any{"fault": "partition", "shape": p.shape}
	if err := env.Cluster.Mend(ctx); err != nil {
		return v, fmt.Errorf("mend partition: %w", err)
	}
	p.cut = false
	return v, nil
}

// nodeFault pauses or kills nodes.
type nodeFault struct {
	kind   string // "pause" or "kill"
	victim string
	rng    *rand.Rand
	nodes  []string
}

func (f *nodeFault) Name() string {
	if len(f.nodes) > 0 {
		return f.kind + "(" + strings.Join(f.nodes, ",") + ")"
	}
	return f.kind + "(" + f.victim + ")"
}

func (f *nodeFault) Start(ctx context.Context, env Env) (map[string]any, error) {
	nodes, fallback, err := victims(f.rng, env, f.victim)
	v := map[string]any{"fault": f.kind, "victim": f.victim, "nodes": nodes}
	if fallback {
		v["fallback"] = "random"
	}
	if err != nil {
		return v, err
	}
	f.nodes = nodes
	var errs []error
	for _, n := range nodes {
		if f.kind == "pause" {
			errs = append(errs, env.Cluster.Pause(ctx, n))
		} else {
			errs = append(errs, env.Cluster.Kill(ctx, n))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return v, fmt.Errorf("%s %v: %w", f.kind, nodes, err)
	}
	return v, nil
}

func (f *nodeFault) Heal(ctx context.Context, env Env) (map[string]any, error) {
	v := map[string]any{"fault": f.kind, "nodes": f.nodes}
	var errs []error
	for _, n := range f.nodes {
		if f.kind == "pause" {
			errs = append(errs, env.Cluster.Unpause(ctx, n))
		} else {
			errs = append(errs, env.Cluster.Start(ctx, n))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return v, fmt.Errorf("heal %s %v: %w", f.kind, f.nodes, err)
	}
	return v, nil
}

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

func (c *clientPause) Start(ctx context.Context, env Env) (map[string]any, error) {
	nodes, fallback, err := victims(c.rng, env, c.victim)
	v := map[string]any{"fault": "client-pause", "victim": c.victim, "for": c.d.String()}
	if fallback {
		v["fallback"] = "random"
	}
	if err != nil {
		return v, err
	}
	if env.Clients == nil {
		return v, errors.New("client-pause: no clients to freeze")
	}
	c.node = nodes[0]
	v["node"], v["nodes"] = c.node, []string{c.node}
	c.until = time.Now().Add(c.d)
	p, err := env.Clients.Freeze(ctx, c.node, c.d)
	c.process = p
	v["process"] = p
	if err != nil {
		return v, fmt.Errorf("client-pause %s: %w", c.node, err)
	}
	return v, nil
}

func (c *clientPause) Heal(ctx context.Context, _ Env) (map[string]any, error) {
	v := map[string]any{"fault": "client-pause", "node": c.node, "process": c.process}
	if wait := time.Until(c.until); wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return v, ctx.Err()
		}
	}
	return v, nil
}
