package checkers

import "time"

// DefaultMinOps is the fewest completed client ops a history needs to be
// more than vacuous, when Options.MinOps is 0.
const DefaultMinOps = 10

// Limits fail a run on liveness figures. Zero means no limit.
type Limits struct {
	MaxNoLeader        time.Duration // longest window with no leader
	MaxFailover        time.Duration // longest failover after a fault that removed the leader
	MaxElectionsPerMin float64       // leadership flapping
	// MaxFalseFailovers caps the leadership changes no fault explains
	// (the zero value: no cap; AtMost(0): none allowed).
	MaxFalseFailovers CountLimit
}

// CountLimit caps a count. Its zero value sets no cap, so that a limit of
// zero ([AtMost](0): none allowed) is a limit like any other.
type CountLimit struct {
	max int
	set bool
}

// AtMost is the cap of n. A negative n is exceeded by every count; the
// plan refuses one.
func AtMost(n int) CountLimit { return CountLimit{max: n, set: true} }

// Max is the cap, and whether there is one.
func (l CountLimit) Max() (int, bool) { return l.max, l.set }

// Exceeded reports whether n is over the cap; never, without one.
func (l CountLimit) Exceeded(n int) bool { return l.set && n > l.max }

// Options configure the checkers.
type Options struct {
	// Strict fails every leadership overlap, even one whose stale side was
	// fenced off (for systems with no fencing at all).
	Strict bool
	// AllowNoFaults accepts a history without nemesis faults, e.g. one
	// recorded by an application in production.
	AllowNoFaults bool
	// MinOps is the fewest completed (ok or fail) client ops; 0 means
	// [DefaultMinOps].
	MinOps int
	Limits Limits
	// LinearizableTimeout bounds the linearizability search of each key
	// (0 = DefaultLinearizableTimeout).
	LinearizableTimeout time.Duration
	// Dir, when set, is the run directory, where checkers save artifacts
	// (LinearizabilityFile).
	Dir string
}

func (o Options) minOps() int {
	if o.MinOps <= 0 {
		return DefaultMinOps
	}
	return o.MinOps
}

// Election returns the election checkers: dual-leaders, token-order,
// stale-writes, liveness, ungranted-writes and vacuity. They share one analysis of the
// history, made once per history however many of them run.
func Election(opts Options) []Checker {
	m := &memo{}
	return []Checker{
		&dualLeaders{opts: opts, m: m},
		&tokenOrder{m: m},
		&staleWrites{m: m},
		&liveness{opts: opts, m: m},
		&ungrantedWrites{m: m},
		&vacuity{opts: opts, m: m, election: true},
	}
}
