package checkers

import (
	"sort"
	"sync"
	"time"

	"github.com/chaos-election/chaos/history"
)

// interval is one leadership of one process: from the ok of its campaign
// to the op that ended it (endIdx -1: still leading when the history ends).
type interval struct {
	process   string
	node      string
	token     uint64
	start     time.Duration
	startIdx  int64
	end       time.Duration
	endIdx    int64
	endReason string
}

// write is one election write: its token, when it was invoked and how it
// ended (outcome "" when it never completed).
type write struct {
	process   string
	token     uint64
	invokeIdx int64
	invokeT   time.Duration
	doneIdx   int64
	doneT     time.Duration
	outcome   history.Type
}

// grant is a completed campaign.
type grant struct {
	process string
	token   uint64
	idx     int64
	t       time.Duration
}

// faultStart is a nemesis fault in effect, with what it hit.
type faultStart struct {
	idx     int64
	t       time.Duration
	kind    string
	nodes   []string
	process string
	groups  [][]string
}

// analysis is everything the election checkers need, from one pass.
type analysis struct {
	intervals []interval // by start
	writes    []write    // by invoke index
	grants    []grant    // by index
	faults    []faultStart
	completed int // client ops that completed ok or fail
	first     time.Duration
	end       time.Duration
	lastIdx   int64
}

// memo shares one analysis between the checkers of one [Election] call.
type memo struct {
	mu   sync.Mutex
	key  *history.Op
	n    int
	last *analysis
}

func (m *memo) get(h []history.Op) *analysis {
	m.mu.Lock()
	defer m.mu.Unlock()
	var key *history.Op
	if len(h) > 0 {
		key = &h[0]
	}
	if m.last != nil && m.key == key && m.n == len(h) {
		return m.last
	}
	m.key, m.n, m.last = key, len(h), analyze(h)
	return m.last
}

// pending is a process's outstanding invoke.
type pending struct {
	idx   int64
	f     string
	token uint64
	elect bool // a write of the election workload (it has a token, no key)
	wi    int  // index into writes, for election writes
}

// analyze makes one pass over h.
func analyze(h []history.Op) *analysis {
	a := &analysis{lastIdx: -1}
	if len(h) == 0 {
		return a
	}
	a.first, a.end, a.lastIdx = h[0].Time, h[len(h)-1].Time, h[len(h)-1].Index
	open := map[string]int{} // process -> index into intervals
	pend := map[string]pending{}
	closeIv := func(p string, op *history.Op, reason string) {
		if i, ok := open[p]; ok {
			a.intervals[i].end, a.intervals[i].endIdx, a.intervals[i].endReason = op.Time, op.Index, reason
			delete(open, p)
		}
	}
	for i := range h {
		op := &h[i]
		switch {
		case op.Process == history.Nemesis:
			if op.F == history.FFaultStart {
				a.faults = append(a.faults, decodeFault(op))
			}
			continue
		case op.Process == history.Observer:
			continue
		}
		p := op.Process
		switch op.Type {
		case history.Invoke:
			pd := pending{idx: op.Index, f: op.F}
			if op.F == history.FWrite {
				if v := scanTop(op.Value); v.hasToken && !v.hasKey {
					pd.elect, pd.token, pd.wi = true, v.token, len(a.writes)
					a.writes = append(a.writes, write{process: p, token: v.token, invokeIdx: op.Index, invokeT: op.Time, doneIdx: -1})
				}
			}
			pend[p] = pd
		case history.OK, history.Fail:
			pd, ok := pend[p]
			if !ok || pd.f != op.F {
				continue
			}
			delete(pend, p)
			a.completed++
			if pd.elect {
				w := &a.writes[pd.wi]
				w.doneIdx, w.doneT, w.outcome = op.Index, op.Time, op.Type
			}
			if op.Type != history.OK {
				continue
			}
			switch op.F {
			case history.FCampaign:
				v := scanTop(op.Value)
				if !v.hasToken {
					continue
				}
				closeIv(p, op, "campaigned again")
				a.grants = append(a.grants, grant{process: p, token: v.token, idx: op.Index, t: op.Time})
				open[p] = len(a.intervals)
				a.intervals = append(a.intervals, interval{process: p, node: op.Node, token: v.token,
					start: op.Time, startIdx: op.Index, end: a.end, endIdx: -1})
			case history.FResign:
				closeIv(p, op, "resigned")
			}
		case history.Info:
			if pd, ok := pend[p]; ok && pd.f == op.F {
				delete(pend, p)
				if pd.elect {
					w := &a.writes[pd.wi]
					w.doneIdx, w.doneT, w.outcome = op.Index, op.Time, history.Info
				}
				closeIv(p, op, op.F+" ended unknown")
				continue
			}
			if op.F == history.FLost {
				closeIv(p, op, "lost")
			}
		}
	}
	sort.SliceStable(a.intervals, func(i, j int) bool { return a.intervals[i].startIdx < a.intervals[j].startIdx })
	return a
}

func decodeFault(op *history.Op) faultStart {
	f := faultStart{idx: op.Index, t: op.Time}
	fs, err := op.Fields()
	if err != nil {
		return f
	}
	f.kind, f.nodes, f.groups = fs.Fault, fs.Nodes, fs.Groups
	if op.Node != "" {
		f.nodes = append(f.nodes, op.Node)
	}
	if len(op.Value) > 0 {
		if v := scanTop(op.Value); v.process != "" {
			f.process = v.process
		}
	}
	return f
}

// leadersAt returns the intervals open at time t (start <= t < end).
func (a *analysis) leadersAt(t time.Duration) []interval {
	var out []interval
	for _, iv := range a.intervals {
		if iv.start > t {
			break
		}
		if iv.end > t || iv.endIdx == -1 {
			out = append(out, iv)
		}
	}
	return out
}
