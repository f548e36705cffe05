package nemesis

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/chaos-election/chaos/history"
)

// Fault is one fault: Start returns once it is in effect, with the value
// to record; Heal undoes it, is idempotent, and must work on a context the
// run has already cancelled (callers pass one that outlives it). Their
// errors are [FaultError]s (joined when several nodes failed), naming the
// node and the action that failed.
type Fault interface {
	Name() string
	Start(ctx context.Context, env Env) (value history.Fault, err error)
	Heal(ctx context.Context, env Env) (value history.Fault, err error)
}

// starter is a fault with something to record right after its
// fault-start (a client kill: the crashed process's end, which must
// follow the fault that caused it). The nemesis calls started once the
// fault-start is recorded.
type starter interface {
	started()
}

// newFault makes the fault a spec describes; the victims and shapes are
// drawn from rng when it starts.
func newFault(spec FaultSpec, rng *rand.Rand) (Fault, error) {
	switch spec.Kind {
	case "partition":
		return &partition{shape: spec.Shape, oneWay: spec.OneWay(), rng: rng}, nil
	case "pause":
		return &nodeFault{kind: "pause", victim: spec.Victim, rng: rng}, nil
	case "kill":
		return &nodeFault{kind: "kill", victim: spec.Victim, rng: rng}, nil
	case "client-pause":
		return &clientPause{victim: spec.Victim, d: spec.Duration, rng: rng}, nil
	case "client-kill":
		return &clientKill{victim: spec.Victim, rng: rng}, nil
	case "client-partition", "client-delay", "client-loss":
		return newLinkFault(spec, rng), nil
	case "link-loss", "link-delay", "link-rate":
		return newNodeLink(spec, rng), nil
	case "flaky":
		return newFlaky(spec, rng), nil
	case "clock-skew", "clock-drift":
		if spec.NodeClock() {
			return &nodeClock{victim: spec.Victim, offset: spec.Offset, rng: rng}, nil
		}
		return &clockFault{kind: spec.Kind, victim: spec.Victim, offset: spec.Offset, rate: spec.Rate, rng: rng}, nil
	}
	return nil, failed("", "make the fault", fmt.Errorf("unknown fault kind %q", spec.Kind))
}

// label names a fault as its plan does: its kind and its shape or victim,
// "partition isolate-leader", "pause leader", "kill random".
func label(spec FaultSpec) string {
	switch {
	case spec.Shape != "":
		return spec.Kind + " " + spec.Shape
	case spec.Victim == "":
		return spec.Kind + " random"
	}
	return spec.Kind + " " + spec.Victim
}

// chooseVictims resolves the victim of a fault on nodes into v (its nodes
// and fallback): "leader" is the servers' own leader where the run knows
// one apart from the candidates' (Env.Servers), else the leading
// candidate's node.
func chooseVictims(rng *rand.Rand, env Env, victim string, v *history.Fault) error {
	switch {
	case env.Servers != nil:
		return chooseFrom(rng, env, env.Servers.Leader, victim, v)
	case env.Clients != nil:
		return chooseFrom(rng, env, env.Clients.Leader, victim, v)
	}
	return chooseFrom(rng, env, nil, victim, v)
}

// chooseClientVictims resolves the victim of a fault on candidates
// (client pauses, clocks) into v: "leader" is the leading candidate.
func chooseClientVictims(rng *rand.Rand, env Env, victim string, v *history.Fault) error {
	if env.Clients != nil {
		return chooseFrom(rng, env, env.Clients.Leader, victim, v)
	}
	return chooseFrom(rng, env, nil, victim, v)
}

func chooseFrom(rng *rand.Rand, env Env, leader func() (string, bool), victim string, v *history.Fault) error {
	nodes, fallback, err := victims(rng, env, leader, victim)
	v.Nodes = nodes
	if fallback {
		v.Fallback = "random"
	}
	if err != nil {
		return failed("", "choose its victim", err)
	}
	return nil
}
