package nemesis

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/chaos-election/chaos/linkproxy"
)

// linkKinds are the faults that act on the links between a node's clients
// and the node, through the harness's proxy: they need no access to the
// nodes at all, so they work against any cluster.
var linkKinds = []string{"client-partition", "client-delay", "client-loss"}

// linkFault cuts, delays or loses the traffic between the victims' clients
// (their candidates and register clients) and their nodes. The observer
// and the health probes do not go through the proxy.
type linkFault struct {
	kind   string
	victim string
	faults linkproxy.Faults
	rng    *rand.Rand
	nodes  []string
}

func newLinkFault(spec FaultSpec, rng *rand.Rand) *linkFault {
	f := &linkFault{kind: spec.Kind, victim: spec.Victim, rng: rng}
	switch spec.Kind {
	case "client-partition":
		f.faults.Cut = true
	case "client-delay":
		f.faults.Delay, f.faults.Jitter = spec.Delay, spec.Jitter
	case "client-loss":
		f.faults.Loss = spec.Loss
	}
	return f
}

func (f *linkFault) Name() string {
	if len(f.nodes) > 0 {
		return f.kind + "(" + strings.Join(f.nodes, ",") + ")"
	}
	return f.kind + "(" + f.victim + ")"
}

// value is what the history records of the fault.
func (f *linkFault) value() map[string]any {
	v := map[string]any{"fault": f.kind, "victim": f.victim, "nodes": f.nodes}
	switch f.kind {
	case "client-delay":
		v["delay"] = f.faults.Delay.String()
		if f.faults.Jitter > 0 {
			v["jitter"] = f.faults.Jitter.String()
		}
	case "client-loss":
		v["loss"] = f.faults.Loss
	}
	return v
}

func (f *linkFault) Start(ctx context.Context, env Env) (map[string]any, error) {
	nodes, fallback, err := victims(f.rng, env, f.victim)
	f.nodes = nodes
	v := f.value()
	if fallback {
		v["fallback"] = "random"
	}
	if err != nil {
		return v, err
	}
	if env.Links == nil {
		return v, fmt.Errorf("%s: the run has no client-side proxies", f.kind)
	}
	var errs []error
	for _, n := range nodes {
		errs = append(errs, env.Links.SetLink(n, f.faults))
	}
	if err := errors.Join(errs...); err != nil {
		return v, fmt.Errorf("%s %v: %w", f.kind, nodes, err)
	}
	return v, nil
}

func (f *linkFault) Heal(_ context.Context, env Env) (map[string]any, error) {
	v := map[string]any{"fault": f.kind, "nodes": f.nodes}
	if env.Links == nil {
		return v, nil
	}
	var errs []error
	for _, n := range f.nodes {
		errs = append(errs, env.Links.SetLink(n, linkproxy.Faults{}))
	}
	if err := errors.Join(errs...); err != nil {
		return v, fmt.Errorf("heal %s %v: %w", f.kind, f.nodes, err)
	}
	return v, nil
}

// IsLinkFault reports whether kind acts on the links between clients and
// nodes (through the harness's proxy) rather than on the nodes.
func IsLinkFault(kind string) bool { return slices.Contains(linkKinds, kind) }
