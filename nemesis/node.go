package nemesis

import (
	"context"
	"math/rand/v2"
	"strings"

	"github.com/chaos-election/chaos/history"
)

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

func (f *nodeFault) Start(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: f.kind, Victim: f.victim}
	if err := chooseVictims(f.rng, env, f.victim, &v); err != nil {
		return v, err
	}
	f.nodes = v.Nodes
	errs := make([]*FaultError, len(f.nodes))
	for i, n := range f.nodes {
		if f.kind == "pause" {
			if err := env.Cluster.Pause(ctx, n); err != nil {
				errs[i] = failed(n, "pause "+n, err)
			}
		} else if err := env.Cluster.Kill(ctx, n); err != nil {
			errs[i] = failed(n, "kill "+n, err)
		}
	}
	return v, joinFailures(errs)
}

func (f *nodeFault) Heal(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: f.kind, Nodes: f.nodes}
	errs := make([]*FaultError, len(f.nodes))
	for i, n := range f.nodes {
		if f.kind == "pause" {
			if err := env.Cluster.Unpause(ctx, n); err != nil {
				errs[i] = failed(n, "unpause "+n, err)
			}
		} else if err := env.Cluster.Start(ctx, n); err != nil {
			errs[i] = failed(n, "restart "+n, err)
		}
	}
	return v, joinFailures(errs)
}
