package checkers

import (
	"slices"
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

// Why a leadership ended (interval.endReason), where a checker tells them
// apart; the others are "lost" and "F ended unknown".
const (
	reasonResigned        = "resigned"         // the ok of its resign: handed over on purpose
	reasonCampaignedAgain = "campaigned again" // the same process granted anew while it led
)

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

// faultStart is a nemesis fault in effect, with what it hit and until
// when: healIdx is its fault-heal (-1: in effect until the end).
type faultStart struct {
	idx     int64
	t       time.Duration
	kind    string
	shape   string
	nodes   []string
	process string
	groups  [][]string
	grudge  map[string][]string // node -> the nodes it drops (majority-ring, bridge)
	healIdx int64
	healT   time.Duration
}

// view is one change of the observer's view of the leader.
type view struct {
	idx    int64
	t      time.Duration
	leader string // "" when the backend shows no leader
	token  uint64
}

// analysis is everything the election checkers need, from one pass.
type analysis struct {
	intervals []interval // by start
	writes    []write    // by invoke index
	grants    []grant    // by index
	faults    []faultStart
	views     []view // the observer's, by index
	completed int    // client ops that completed ok or fail
	first     time.Duration
	end       time.Duration
	lastIdx   int64
	// asked is the first campaign invoke: from then on the workload wants
	// a leader (askedIdx -1: no campaign was ever invoked).
	asked    time.Duration
	askedIdx int64
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
	a := &analysis{lastIdx: -1, askedIdx: -1}
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
			switch op.F {
			case history.FFaultStart:
				a.faults = append(a.faults, decodeFault(op))
			case history.FFaultHeal:
				a.healFault(op)
			}
			continue
		case op.Process == history.Observer:
			if op.F == history.FLeader {
				a.views = append(a.views, decodeView(op))
			}
			continue
		}
		p := op.Process
		switch op.Type {
		case history.Invoke:
			if op.F == history.FCampaign && a.askedIdx < 0 {
				a.asked, a.askedIdx = op.Time, op.Index
			}
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
				closeIv(p, op, reasonCampaignedAgain)
				a.grants = append(a.grants, grant{process: p, token: v.token, idx: op.Index, t: op.Time})
				open[p] = len(a.intervals)
				a.intervals = append(a.intervals, interval{process: p, node: op.Node, token: v.token,
					start: op.Time, startIdx: op.Index, end: a.end, endIdx: -1})
			case history.FResign:
				closeIv(p, op, reasonResigned)
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

// decodeFault reads a fault-start or fault-heal through history's Fault;
// the op's node counts among its victims.
func decodeFault(op *history.Op) faultStart {
	f := faultStart{idx: op.Index, t: op.Time, healIdx: -1}
	if v, ok := op.Fault(); ok {
		f.kind, f.shape, f.nodes, f.groups, f.grudge, f.process = v.Kind, v.Shape, v.Nodes, v.Groups, v.Grudge, v.Process
	}
	if op.Node != "" && !slices.Contains(f.nodes, op.Node) {
		f.nodes = append(f.nodes, op.Node)
	}
	return f
}

// healFault ends the earliest fault still in effect that the heal names:
// of the same kind, and on the same nodes when both say which.
func (a *analysis) healFault(op *history.Op) {
	h := decodeFault(op)
	for i := range a.faults {
		f := &a.faults[i]
		if f.healIdx >= 0 || f.kind != h.kind {
			continue
		}
		if len(f.nodes) > 0 && len(h.nodes) > 0 && !sameSet(f.nodes, h.nodes) {
			continue
		}
		f.healIdx, f.healT = op.Index, op.Time
		return
	}
}

func decodeView(op *history.Op) view {
	v := view{idx: op.Index, t: op.Time}
	if f, err := op.Fields(); err == nil && f.Leader != nil && f.Token != nil {
		v.leader, v.token = *f.Leader, *f.Token
	}
	return v
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
