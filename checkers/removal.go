package checkers

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/chaos-election/chaos/history"
)

// outcome is what one fault did to the leadership in office when it took
// effect.
type outcome int

const (
	// missed: the fault hit no leader in office (there was none, or it hit
	// other nodes).
	missed outcome = iota
	// survived: it hit the leader, and the leader kept leading for as long
	// as the fault was in effect.
	survived
	// removed: it hit the leader, and that leadership ended while the
	// fault was in effect, or the backend showed or granted another leader.
	removed
)

// effect is what a fault did: its outcome, the leadership it hit (the
// first one removed, else the first one that survived), and whether it
// left no side of the cluster with a majority.
type effect struct {
	outcome    outcome
	leader     interval
	noMajority bool
	// proof is the op that shows the removal: the end of the leadership,
	// another grant, or the observer's view; -1 when not removed.
	proof int64
}

// removalGrace is how long after a fault's heal an end of the leadership
// it hit still counts as its doing, unless the leader acted as leader in
// between (an accepted write invoked after the heal). A frozen node's
// lease runs out while it is frozen, but the candidate, the observer and
// the other nodes see it a watch round trip after the heal (tens of
// milliseconds here); a second covers that and no real re-election.
const removalGrace = time.Second

// effectOf judges the fault ft against every leadership in office when it
// took effect.
//
// A fault hits a leader when the leader's node is among its victims
// (value "nodes" or the op's node), the leader's process is its "process"
// (a client pause), the leader's node is outside every majority of a
// partition's "groups" (with an even split, no group is a majority and
// every leader is hit), or a partition's "grudge" has some node drop the
// leader's traffic; a fault only on the links between nodes (link-delay,
// link-loss, flaky, …) hits no leader. It removes the leader only when,
// while the fault is in effect (from its fault-start to its fault-heal, or
// to the end), that leadership ends (its lost, resign, an op ending in
// info), another process is granted leadership, or the observer shows a
// leader other than this one (or none); or when that happens within
// [removalGrace] after the heal, before the leader's first accepted write
// invoked after it. A leader that was hit and none of that happened
// survived the fault. A partition whose grudge is one-sided (a one-way
// cut) is judged by its grudge, not its groups.
func (a *analysis) effectOf(ft faultStart) effect {
	e := effect{proof: -1, noMajority: noMajority(ft.groups)}
	for _, iv := range a.inOffice(ft) {
		if !hits(ft, iv, e.noMajority) {
			continue
		}
		if proof := a.removal(iv, a.windowOf(ft, iv)); proof >= 0 {
			return effect{outcome: removed, leader: iv, noMajority: e.noMajority, proof: proof}
		}
		if e.outcome == missed {
			e.outcome, e.leader = survived, iv
		}
	}
	return e
}

// inOffice returns the leaderships in office when ft took effect: granted
// by its time and not ended by an op before it. One ended by an op after
// the fault-start at the very same time was in office (a client-kill
// records the crashed leader's lost right after its fault-start).
func (a *analysis) inOffice(ft faultStart) []interval {
	var out []interval
	for _, iv := range a.intervals {
		if iv.start > ft.t {
			break
		}
		if iv.endIdx == -1 || (iv.endIdx > ft.idx && iv.end >= ft.t) {
			out = append(out, iv)
		}
	}
	return out
}

// removes reports whether ft removed the leadership iv: [effectOf]'s rule
// for iv, where effectOf stops at the first leadership removed. For a
// leadership granted while ft was already in effect, the same rule counts
// only what happened from the grant on.
func (a *analysis) removes(ft faultStart, iv interval) bool {
	if !hits(ft, iv, noMajority(ft.groups)) {
		return false
	}
	w := a.windowOf(ft, iv)
	w.from = max(w.from, iv.startIdx)
	return a.removal(iv, w) >= 0
}

// grantedDuring returns the leaderships granted while ft was in effect
// (after its start, before its heal).
func (a *analysis) grantedDuring(ft faultStart) []interval {
	k := sort.Search(len(a.intervals), func(i int) bool { return a.intervals[i].startIdx > ft.idx })
	var out []interval
	for ; k < len(a.intervals) && (ft.healIdx < 0 || a.intervals[k].startIdx < ft.healIdx); k++ {
		out = append(out, a.intervals[k])
	}
	return out
}

// window is when an event counts as a fault's doing to one leadership:
// after the fault's start, up to its heal, or after the heal until
// graceT and before acted (the leader's first accepted write invoked
// after the heal).
type window struct {
	from, heal int64
	graceT     time.Duration
	acted      int64
}

func (w window) holds(idx int64, t time.Duration) bool {
	if idx <= w.from {
		return false
	}
	return w.heal < 0 || idx <= w.heal || (t <= w.graceT && idx < w.acted)
}

// windowOf is the window of fault ft for the leadership iv.
func (a *analysis) windowOf(ft faultStart, iv interval) window {
	w := window{from: ft.idx, heal: ft.healIdx, graceT: ft.healT + removalGrace, acted: math.MaxInt64}
	if ft.healIdx < 0 {
		return w
	}
	k := sort.Search(len(a.writes), func(i int) bool { return a.writes[i].invokeIdx > ft.healIdx })
	for ; k < len(a.writes) && a.writes[k].invokeT <= w.graceT; k++ {
		if x := a.writes[k]; x.process == iv.process && x.token == iv.token && x.outcome == history.OK {
			w.acted = x.invokeIdx
			break
		}
	}
	return w
}

// removal returns the op in w that shows iv's leadership over (its end,
// else the first grant to another process or observer's view of another
// leader), or -1.
func (a *analysis) removal(iv interval, w window) int64 {
	if iv.endIdx >= 0 && w.holds(iv.endIdx, iv.end) {
		return iv.endIdx
	}
	past := func(idx int64, t time.Duration) bool { return w.heal >= 0 && idx > w.heal && t > w.graceT }
	var first int64 = -1
	k := sort.Search(len(a.grants), func(i int) bool { return a.grants[i].idx > w.from })
	for ; k < len(a.grants) && !past(a.grants[k].idx, a.grants[k].t); k++ {
		if g := a.grants[k]; g.process != iv.process && w.holds(g.idx, g.t) {
			first = g.idx
			break
		}
	}
	k = sort.Search(len(a.views), func(i int) bool { return a.views[i].idx > w.from })
	for ; k < len(a.views) && !past(a.views[k].idx, a.views[k].t); k++ {
		if v := a.views[k]; (v.leader == "" || v.token != iv.token) && w.holds(v.idx, v.t) {
			if first < 0 || v.idx < first {
				first = v.idx
			}
			break
		}
	}
	return first
}

// hits reports whether ft struck the leadership iv. A fault on the links
// between nodes only ([linkOnly]) strikes no leader. A partition into
// groups strikes a leader outside every majority. A grudge (node → the
// nodes whose traffic it drops) strikes the leader when some node drops
// the leader's traffic: it cuts one of the leader's outbound links. Of a
// two-way cut (majority-ring, bridge) that is any cut of the leader's; of
// a one-way partition (its grudge one-sided, beside its groups) only the
// direction away from the leader — a leader that cannot hear its peers
// is still heard by them.
func hits(ft faultStart, iv interval, noMajority bool) bool {
	if linkOnly(ft.kind) {
		return false
	}
	if slices.Contains(ft.nodes, iv.node) || (ft.process != "" && ft.process == iv.process) {
		return true
	}
	if len(ft.groups) > 1 && !oneSided(ft.grudge) {
		return noMajority || !slices.Contains(majorityGroup(ft.groups), iv.node)
	}
	for _, drops := range ft.grudge {
		if slices.Contains(drops, iv.node) {
			return true
		}
	}
	return false
}

// oneSided reports whether some node of grudge drops another's traffic
// while that one still hears it: a one-way cut.
func oneSided(grudge map[string][]string) bool {
	for n, drops := range grudge {
		for _, m := range drops {
			if !slices.Contains(grudge[m], n) {
				return true
			}
		}
	}
	return false
}

// linkOnly reports whether a fault of kind only degrades the links
// between nodes — link-delay, link-loss and the other "link-" kinds, a
// flaky link — which by itself removes no leader: a leadership change
// while one is in effect is a false failover, never a failover.
func linkOnly(kind string) bool {
	return strings.HasPrefix(kind, "link-") || strings.HasPrefix(kind, "flaky")
}

// majorityGroup returns the group holding more than half of all the nodes
// of groups, or nil when there is none (an even split, or three or more
// minorities).
func majorityGroup(groups [][]string) []string {
	total := 0
	for _, g := range groups {
		total += len(g)
	}
	for _, g := range groups {
		if 2*len(g) > total {
			return g
		}
	}
	return nil
}

// noMajority reports whether a partition into groups leaves no side with
// a majority: no side can elect a leader until it heals.
func noMajority(groups [][]string) bool {
	return len(groups) > 1 && majorityGroup(groups) == nil
}
