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
var nodeLinkKinds = []string{"link-loss", "link-delay", "link-rate"}

// IsNodeLinkFault reports whether kind acts on the links between server
// nodes through the cluster's network agents: link-loss, link-delay and
// link-rate.
func IsNodeLinkFault(kind string) bool { return slices.Contains(nodeLinkKinds, kind) }

// errNoNodeLinks is the error of a cluster without network agents.
var errNoNodeLinks = errors.New("this cluster cannot shape the links between its nodes (no network agents)")

// nodeLink drops (at random), delays or limits the bandwidth of the
// packets on the links between groups of server nodes.
type nodeLink struct {
	spec  FaultSpec
	rng   *rand.Rand
	links []netfault.Link // the links it shaped, once started
}

func newNodeLink(spec FaultSpec, rng *rand.Rand) *nodeLink { return &nodeLink{spec: spec, rng: rng} }

// effect is what the fault does to each of its links.
func (f *nodeLink) effect() netfault.Effect {
	switch f.spec.Kind {
	case "link-loss":
		return netfault.Effect{Loss: f.spec.Loss}
	case "link-rate":
		return netfault.Effect{Rate: f.spec.Bandwidth}
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
	case "link-rate":
		v.Bandwidth = netfault.FormatRate(f.spec.Bandwidth)
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
	verb := map[string]string{"link-loss": "drop packets on", "link-delay": "delay", "link-rate": "limit the bandwidth of"}[f.spec.Kind]
	return verb + " the links between " + groupsText(groups)
}

// probe times a round trip across the first shaped link: a delayed link
// that answers sooner than its delay is not delayed, and the fault fails.
// Loss is recorded, never judged (a round trip may or may not lose). A
// rate limit is probed by a timed transfer ([nodeLink.probeRate]).
func (f *nodeLink) probe(ctx context.Context, nl NodeLinks, v *history.Fault) error {
	if len(f.links) == 0 {
		return nil
	}
	l := f.links[0]
	if f.spec.Kind == "link-rate" {
		return f.probeRate(ctx, nl, l, v)
	}
	timeout := probeTimeout + 2*(f.spec.Delay+f.spec.Jitter)
	rtt, err := nl.ProbeLink(ctx, l.From, l.To, 0, timeout)
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

// probeRate times a transfer across the first limited link, about a
// quarter second's worth at the bandwidth: one that runs at more than
// twice the bandwidth is not limited, and the fault fails.
func (f *nodeLink) probeRate(ctx context.Context, nl NodeLinks, l netfault.Link, v *history.Fault) error {
	size := rateProbeSize(f.spec.Bandwidth)
	want := time.Duration(float64(size) / float64(f.spec.Bandwidth) * float64(time.Second))
	timeout := probeTimeout + 4*want
	took, err := nl.ProbeLink(ctx, l.From, l.To, size, timeout)
	if err != nil {
		v.Probe = fmt.Sprintf("%s: %d B not through within %s", l, size, timeout)
		return failed(l.From, "probe the limited link "+l.String(), err)
	}
	got := float64(size) / took.Seconds()
	v.Probe = fmt.Sprintf("%s: %d B in %s (%.1f kB/s)", l, size, roundTook(took), got/1000)
	if took < want/2 {
		return failed(l.From, "probe the limited link "+l.String(),
			fmt.Errorf("%d B went through in %s, %.1f kB/s, more than twice the bandwidth %s: the limit is not in effect",
				size, took.Round(time.Millisecond), got/1000, netfault.FormatRate(f.spec.Bandwidth)))
	}
	return nil
}

// rateProbeSize is how many bytes a rate probe sends: a quarter second's
// worth at rate, from 2 KiB (at most 2 s at the lowest bandwidth) to
// 512 KiB (within one line of the agents' protocol).
func rateProbeSize(rate uint64) int { return int(min(max(rate/4, 2<<10), 512<<10)) }

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
