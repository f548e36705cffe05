package checkers

import (
	"github.com/chaos-election/chaos/history"
)

// Workloads says which workloads' ops a history holds, and so which
// checkers apply to it.
type Workloads struct {
	Election bool // campaign, resign, lost, leader, or a write with a token
	Register bool // read, write or cas with a "key"
}

// DetectWorkloads looks at the client ops of h (an application's own
// history may hold either workload, or both).
func DetectWorkloads(h []history.Op) Workloads {
	var w Workloads
	for i := range h {
		op := &h[i]
		if op.Process == history.Nemesis {
			continue
		}
		switch op.F {
		case history.FCampaign, history.FResign, history.FLost, history.FLeader:
			w.Election = true
		case history.FRead, history.FCas:
			w.Register = w.Register || scanTop(op.Value).hasKey
		case history.FWrite:
			if v := scanTop(op.Value); v.hasKey {
				w.Register = true
			} else if v.hasToken {
				w.Election = true
			}
		}
		if w.Election && w.Register {
			break
		}
	}
	return w
}

// Suite returns the checkers for the workloads: the election checkers
// ([Election]) for election, [Linearizable] for register, and vacuity
// once either way, so that a history with neither is never a pass.
func Suite(opts Options, w Workloads) []Checker {
	var cs []Checker
	if w.Election {
		cs = Election(opts)
	} else {
		cs = []Checker{&vacuity{opts: opts, m: &memo{}}}
	}
	if w.Register {
		lin := &Linearizable{Timeout: opts.LinearizableTimeout, Dir: opts.Dir}
		if w.Election {
			// Vacuity counts both workloads' ops; the register's own
			// count must reach the minimum too.
			lin.MinOps = opts.minOps()
		}
		cs = append(cs, lin)
	}
	return cs
}
