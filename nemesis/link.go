package nemesis

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/chaos-election/chaos/history"
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

var errNoLinks = errors.New("the run has no client-side proxies")

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

// settings are what the history records of the fault's settings.
func (f *linkFault) settings(v *history.Fault) {
	switch f.kind {
	case "client-delay":
		v.Delay = f.faults.Delay.String()
		if f.faults.Jitter > 0 {
			v.Jitter = f.faults.Jitter.String()
		}
	case "client-loss":
		v.Loss = f.faults.Loss
	}
}

// action says what the fault does to node's link: "cut n2's client link".
func (f *linkFault) action(node string) string {
	verb := map[string]string{"client-partition": "cut ", "client-delay": "delay ", "client-loss": "drop traffic on "}[f.kind]
	return verb + node + "'s client link"
}

func (f *linkFault) Start(_ context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: f.kind, Victim: f.victim}
	f.settings(&v)
	// A client's link: "leader" is the leading candidate, also where
	// the servers have a leader of their own (target kubernetes).
	err := chooseClientVictims(f.rng, env, f.victim, &v)
	f.nodes = v.Nodes
	if err != nil {
		return v, err
	}
	if env.Links == nil {
		return v, failed("", "reach the client-side proxies", errNoLinks)
	}
	errs := make([]*FaultError, len(f.nodes))
	for i, n := range f.nodes {
		if err := env.Links.SetLink(n, f.faults); err != nil {
			errs[i] = failed(n, f.action(n), err)
		}
	}
	return v, joinFailures(errs)
}

func (f *linkFault) Heal(_ context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: f.kind, Nodes: f.nodes}
	if env.Links == nil {
		return v, nil
	}
	errs := make([]*FaultError, len(f.nodes))
	for i, n := range f.nodes {
		if err := env.Links.SetLink(n, linkproxy.Faults{}); err != nil {
			errs[i] = failed(n, "clear "+n+"'s client link", err)
		}
	}
	return v, joinFailures(errs)
}

// IsLinkFault reports whether kind acts on the links between clients and
// nodes (through the harness's proxy) rather than on the nodes.
func IsLinkFault(kind string) bool { return slices.Contains(linkKinds, kind) }
