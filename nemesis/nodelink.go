package nemesis

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/netfault"
)

// nodeLinkKinds are the faults on the links between server nodes, through
// the cluster's network agents ([NodeLinks]).
var nodeLinkKinds = []string{"link-loss", "link-delay"}

// IsNodeLinkFault reports whether kind acts on the links between server
// nodes through the cluster's network agents: link-loss and link-delay.
func IsNodeLinkFault(kind string) bool { return slices.Contains(nodeLinkKinds, kind) }

// errNoNodeLinks is the error of a cluster without network agents.
var errNoNodeLinks = errors.New("this cluster cannot shape the links between its nodes (no network agents)")

// nodeLink drops (at random) or delays the packets on the links between
// groups of server nodes.
type nodeLink struct {
	spec  FaultSpec
	rng   *rand.Rand
	links []netfault.Link // the links it shaped, once started
}

func newNodeLink(spec FaultSpec, rng *rand.Rand) *nodeLink { return &nodeLink{spec: spec, rng: rng} }

// effect is what the fault does to each of its links.
func (f *nodeLink) effect() netfault.Effect {
	if f.spec.Kind == "link-loss" {
		return netfault.Effect{Loss: f.spec.Loss}
	}
	return netfault.Effect{Delay: f.spec.Delay, Jitter: f.spec.Jitter}
}

func (f *nodeLink) Name() string { return linkFaultName(f.spec) }

// value is the fault's settings as the history records them.
func (f *nodeLink) value() history.Fault {
	v := history.Fault{Kind: f.spec.Kind, Shape: f.spec.Shape, Victim: f.spec.Victim}
	if f.spec.OneWay() {
		v.Direction = DirectionOneWay
	}
	switch f.spec.Kind {
	case "link-loss":
		v.Loss = f.spec.Loss
	case "link-delay":
		v.Delay = f.spec.Delay.String()
		if f.spec.Jitter > 0 {
			v.Jitter = f.spec.Jitter.String()
		}
	}
	return v
}

func (f *nodeLink) Start(ctx context.Context, env Env) (history.Fault, error) {
	v := f.value()
	nl, ok := env.Cluster.(NodeLinks)
	if !ok {
		return v, failed("", "reach the network agents", errNoNodeLinks)
	}
	groups, err := linkGroups(f.rng, env, f.spec.Shape, f.spec.Victim, &v)
	if err != nil {
		return v, err
	}
	shape := groupsShape(groups, f.effect(), f.spec.OneWay())
	f.links = shape.Links()
	applied, err := nl.Shape(ctx, shape)
	if err != nil {
		return v, failed("", f.action(groups), err)
	}
	recordApplied(&v, applied)
	if err := f.probe(ctx, nl, &v); err != nil {
		return v, err
	}
	return v, nil
}

// action says what the fault does: "delay the links between n1 | n2 n3".
func (f *nodeLink) action(groups [][]string) string {
	verb := map[string]string{"link-loss": "drop packets on", "link-delay": "delay"}[f.spec.Kind]
	return verb + " the links between " + groupsText(groups)
}

// probe times a round trip across the first shaped link: a delayed link
// that answers sooner than its delay is not delayed, and the fault fails.
// Loss is recorded, never judged (a round trip may or may not lose).
func (f *nodeLink) probe(ctx context.Context, nl NodeLinks, v *history.Fault) error {
	if len(f.links) == 0 {
		return nil
	}
	l := f.links[0]
	timeout := probeTimeout + 2*(f.spec.Delay+f.spec.Jitter)
	rtt, err := nl.ProbeLink(ctx, l.From, l.To, timeout)
	if err != nil {
		v.Probe = fmt.Sprintf("%s: no answer within %s", l, timeout)
		if f.spec.Kind == "link-delay" {
			return failed(l.From, "probe the delayed link "+l.String(), err)
		}
		return nil
	}
	v.Probe = fmt.Sprintf("%s: round trip %s", l, roundTook(rtt))
	if f.spec.Kind == "link-delay" && rtt < f.spec.Delay {
		return failed(l.From, "probe the delayed link "+l.String(),
			fmt.Errorf("a round trip took %s, less than the delay %s: the delay is not in effect", rtt.Round(time.Millisecond), f.spec.Delay))
	}
	return nil
}

func (f *nodeLink) Heal(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: f.spec.Kind}
	nl, ok := env.Cluster.(NodeLinks)
	if !ok {
		return v, nil
	}
	applied, err := nl.Shape(ctx, nil)
	if err != nil {
		return v, failed("", "restore the links between the nodes", err)
	}
	recordApplied(&v, applied)
	return v, nil
}

// probeTimeout bounds a probe across a link beyond the delay it expects.
const probeTimeout = time.Second

// recordApplied records how a change of the links was applied and how
// long it took to be in effect.
func recordApplied(v *history.Fault, a netfault.Applied) {
	ms := make([]string, len(a.Methods))
	for i, m := range a.Methods {
		ms[i] = string(m)
	}
	v.Method = strings.Join(ms, "+")
	if !a.Asked.IsZero() && !a.InEffect.IsZero() {
		v.Took = roundTook(a.Took())
	}
}

// tookSince is how long a change asked for at asked took, as the history
// records it.
func tookSince(asked time.Time) string { return roundTook(time.Since(asked)) }

func roundTook(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
