package checkers

import (
	"context"
	"time"

	"github.com/chaos-election/chaos/history"
)

// Validity is a checker's verdict.
type Validity string

// Verdicts, combined as Jepsen's: invalid beats unknown beats valid.
const (
	Valid   Validity = "valid"
	Invalid Validity = "invalid"
	Unknown Validity = "unknown"
)

func (v Validity) rank() int {
	switch v {
	case Valid:
		return 0
	case Unknown:
		return 1
	case Invalid:
		return 2
	}
	return 1
}

// Worst combines verdicts: invalid > unknown > valid. No verdicts at all is
// unknown: nothing was checked.
func Worst(vs ...Validity) Validity {
	if len(vs) == 0 {
		return Unknown
	}
	w := Valid
	for _, v := range vs {
		if v.rank() > w.rank() {
			w = v
		}
	}
	return w
}

// ExitCode is the process exit code for a verdict: 0 valid, 1 invalid,
// 2 unknown.
func (v Validity) ExitCode() int {
	switch v {
	case Valid:
		return 0
	case Invalid:
		return 1
	}
	return 2
}

// Anomaly is one thing a checker found, with the ops that prove it.
type Anomaly struct {
	// Kind names the anomaly, e.g. "split-brain", "contained-overlap",
	// "token-reused", "token-not-increasing", "stale-write-accepted",
	// "stale-write-attempted", "limit-exceeded", "too-many-elections",
	// "too-many-false-failovers", "false-failover", "early-takeover",
	// "no-faults", "too-few-ops".
	Kind string `json:"kind"`
	// Fatal anomalies make their checker's result invalid (or unknown,
	// for vacuity); the others are reported figures and context.
	Fatal bool `json:"fatal"`
	// Ops are the indices of the ops that prove it, ascending.
	Ops []int64 `json:"ops"`
	// Processes involved, e.g. both leaders of an overlap.
	Processes []string `json:"processes,omitempty"`
	// Start and End bound the anomaly in run time (nanoseconds), where it
	// has a duration (an overlap, a window without a leader).
	Start time.Duration `json:"start,omitempty"`
	End   time.Duration `json:"end,omitempty"`
	// Message is one sentence a person understands.
	Message string `json:"message"`
}

// Result is what one checker concluded.
type Result struct {
	Checker   string             `json:"checker"`
	Validity  Validity           `json:"validity"`
	Summary   string             `json:"summary"`
	Anomalies []Anomaly          `json:"anomalies"`
	Figures   map[string]float64 `json:"figures,omitempty"`
	// Files are artifacts the checker saved beside the history (e.g.
	// "linearizability.html"), relative to the run directory.
	Files []string `json:"files,omitempty"`
	// Failovers lists, for the liveness checker, every fault that removed
	// the leader and how long the cluster took to grant a new one.
	Failovers []Failover `json:"failovers,omitempty"`
	// Survived lists, for the liveness checker, every fault that hit the
	// leader without removing it.
	Survived []Survival `json:"survived,omitempty"`
}

// Failover is one fault that removed the leader, and what followed.
type Failover struct {
	Fault   string        `json:"fault"`    // its kind: "partition", "pause", ...
	FaultOp int64         `json:"fault_op"` // the fault-start op
	Start   time.Duration `json:"start"`    // when the fault took effect (run time, ns)
	// TookS is the seconds from the fault to the next grant, or, when no
	// leader was granted before the history ends, to the end.
	TookS    float64 `json:"took_s"`
	GrantOp  int64   `json:"grant_op"` // the next grant's op; -1 when none came
	Resolved bool    `json:"resolved"` // a new leader was granted
	// Process and Token are the leadership the fault removed.
	Process string `json:"process"`
	Token   uint64 `json:"token"`
	// RemovedOp shows the removal: the end of that leadership, a grant to
	// another process, or the observer showing another leader (or none),
	// while the fault was in effect.
	RemovedOp int64 `json:"removed_op"`
	// NoMajority: the fault was a partition that left no side a majority
	// (an even split), so no side could elect until it healed.
	NoMajority bool `json:"no_majority,omitempty"`
}

// Survival is a fault that hit the leader (its node, its process, or cut
// it from a majority) which the leader survived: it kept leading, and no
// other leader was granted or shown, for as long as the fault was in
// effect.
type Survival struct {
	Fault   string        `json:"fault"`
	FaultOp int64         `json:"fault_op"`
	Start   time.Duration `json:"start"` // run time, ns
	Process string        `json:"process"`
	Token   uint64        `json:"token"`
	// HeldS is how long the fault was in effect: to its heal, or to the end.
	HeldS  float64 `json:"held_s"`
	HealOp int64   `json:"heal_op"` // -1 when it was never healed
}

// Checker is a pure function of a history.
type Checker interface {
	Name() string
	Check(ctx context.Context, h []history.Op) Result
}

// Results is the combined outcome of several checkers over one history.
type Results struct {
	Validity Validity `json:"validity"`
	Ops      int      `json:"ops"`
	Results  []Result `json:"results"`
}

// Run runs every checker over h and combines their verdicts.
func Run(ctx context.Context, h []history.Op, cs ...Checker) Results {
	r := Results{Ops: len(h), Results: make([]Result, 0, len(cs))}
	vs := make([]Validity, 0, len(cs))
	for _, c := range cs {
		res := c.Check(ctx, h)
		if res.Checker == "" {
			res.Checker = c.Name()
		}
		if res.Anomalies == nil {
			res.Anomalies = []Anomaly{}
		}
		r.Results = append(r.Results, res)
		vs = append(vs, res.Validity)
	}
	r.Validity = Worst(vs...)
	return r
}
