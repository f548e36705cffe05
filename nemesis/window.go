package nemesis

import (
	"context"
	"time"
)

// budget is how long a fault's start and its heal may take, on top of the
// time it is held in effect (its duration).
type budget struct {
	start, heal time.Duration
}

// The budgets. A fault on the nodes goes through the Docker Engine API or
// the plan's commands: pausing or killing a container, or a netctl
// sidecar on every node at once for a cut, each well under a second on a
// healthy host. A fault on the clients (a freeze, the harness's own
// proxies, a crash of a candidate) acts in this process, in microseconds. A start slower than its
// budget eats into the time the fault is held, not into the window, so
// the start never runs into the window's deadline; the heal budget keeps
// the heal itself inside the window (it runs on a context of its own and
// would finish in the recovery time otherwise).
var (
	clusterBudget = budget{start: time.Second, heal: time.Second}
	clientBudget  = budget{start: 250 * time.Millisecond, heal: 250 * time.Millisecond}
)

// budgetOf is the budget of a fault: a server node's clock goes through
// the plan's commands like a pause; a candidate's clock is this process's.
func budgetOf(f FaultSpec) budget {
	if f.NodeClock() {
		return clusterBudget
	}
	if IsNodeLinkFault(f.Kind) { // the start includes a probe across a link
		return budget{start: clusterBudget.start + probeTimeout + 2*(f.Delay+f.Jitter), heal: clusterBudget.heal}
	}
	if IsClientProcessFault(f.Kind) || IsLinkFault(f.Kind) || IsClockFault(f.Kind) {
		return clientBudget
	}
	return clusterBudget
}

// IsClientProcessFault reports whether kind acts on a candidate's own
// process, in the harness: client-pause (a freeze), client-kill (a
// crash). Both need the election workload.
func IsClientProcessFault(kind string) bool {
	return kind == "client-pause" || kind == "client-kill"
}

// Needs is how much of the fault window the fault takes: its start
// budget, its duration and its heal budget. The schedule starts it only
// with that much of the window left (a plan check can tell from it that a
// fault never fits: interval + Needs > duration).
func (f FaultSpec) Needs() time.Duration {
	b := budgetOf(f)
	return b.start + f.Duration + b.heal
}

// needs is spec.Needs with the nemesis's budgets (tests shrink them).
func (n *Nemesis) needs(spec FaultSpec) time.Duration {
	b := n.budget(spec)
	return b.start + spec.Duration + b.heal
}

// pick draws the next fault from those that fit in what is left of the
// window (ctx's deadline): ok is false when none does, and the schedule is
// over. Without a deadline every fault fits. While all of them fit the
// draw is the one of a schedule without a window, so a seed replays the
// same faults until the window's tail.
func (n *Nemesis) pick(ctx context.Context) (spec FaultSpec, ok bool) {
	fits := n.spec.Faults
	if end, has := ctx.Deadline(); has {
		left := time.Until(end)
		fits = nil
		for _, s := range n.spec.Faults {
			if n.needs(s) <= left {
				fits = append(fits, s)
			}
		}
	}
	if len(fits) == 0 {
		return FaultSpec{}, false
	}
	return fits[n.rng.IntN(len(fits))], true
}
