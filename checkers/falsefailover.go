package checkers

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// change is one leadership change: a grant that followed another
// leadership, either while that one was still in office (a takeover) or
// after it had ended.
type change struct {
	from, to interval
	// takeover: from was still in office when to was granted.
	takeover bool
}

// falseFailover is a leadership change that no fault explains: no fault
// that took effect before the new grant removed the leadership it
// followed ([analysis.removes], the failover attribution, applied as well
// to a fault already in effect when that leadership was granted). faults
// are the faults in effect around it: from the old leadership's end (or,
// for a takeover, the new grant) to the new grant.
type falseFailover struct {
	change
	faults []faultStart
}

// changes returns the history's leadership changes in grant order. Each
// grant but the first follows one leadership: the latest granted of
// another process still in office at the grant (a takeover), else the one
// that ended last before it. A grant after a resign (leadership handed
// over on purpose) or a process campaigning again while it led is no
// change.
func (a *analysis) changes() []change {
	ends := make([]int, 0, len(a.intervals)) // into intervals, by end index
	for i, iv := range a.intervals {
		if iv.endIdx >= 0 {
			ends = append(ends, i)
		}
	}
	sort.Slice(ends, func(i, j int) bool { return a.intervals[ends[i]].endIdx < a.intervals[ends[j]].endIdx })
	var out []change
	var open []int // into intervals: granted and not yet ended, by grant
	last, e := -1, 0
	for i, iv := range a.intervals {
		for ; e < len(ends) && a.intervals[ends[e]].endIdx <= iv.startIdx; e++ {
			j := ends[e]
			open = slices.DeleteFunc(open, func(k int) bool { return k == j })
			last = j
		}
		// Another process's: iv's own earlier leadership, if any, ended
		// at this grant ("campaigned again").
		switch {
		case len(open) > 0:
			out = append(out, change{from: a.intervals[open[len(open)-1]], to: iv, takeover: true})
		case last >= 0 && a.intervals[last].endReason != reasonResigned && a.intervals[last].endReason != reasonCampaignedAgain:
			out = append(out, change{from: a.intervals[last], to: iv})
		}
		open = append(open, i)
	}
	return out
}

// removedAt maps each leadership a fault removed (by its grant's index)
// to the first fault that did (its fault-start's index): a fault that took
// effect while it led, or one on it already in effect when it was granted
// (a candidate granted while its own clock was skewed, say).
func (a *analysis) removedAt() map[int64]int64 {
	out := map[int64]int64{}
	for _, ft := range a.faults { // in history order: the first found is the first
		for _, iv := range append(a.inOffice(ft), a.grantedDuring(ft)...) {
			if _, done := out[iv.startIdx]; !done && a.removes(ft, iv) {
				out[iv.startIdx] = ft.idx
			}
		}
	}
	return out
}

// falseFailovers returns the leadership changes no fault explains: those
// whose old leadership no fault removed before the new grant.
func (a *analysis) falseFailovers() []falseFailover {
	removed := a.removedAt()
	var out []falseFailover
	for _, c := range a.changes() {
		if ft, ok := removed[c.from.startIdx]; ok && ft < c.to.startIdx {
			continue
		}
		since := c.to.startIdx
		if !c.takeover {
			since = c.from.endIdx
		}
		ff := falseFailover{change: c}
		for _, ft := range a.faults {
			if ft.idx < c.to.startIdx && (ft.healIdx < 0 || ft.healIdx > since) {
				ff.faults = append(ff.faults, ft)
			}
		}
		out = append(out, ff)
	}
	return out
}

// anomaly is the false failover as a note: its ops are the old
// leadership's grant and end (when it ended before) and the new grant;
// its window runs from the old leadership's end to the new grant, or,
// for a takeover, from the new grant to the old leadership's end (while
// both held it).
func (ff falseFailover) anomaly() Anomaly {
	from, to := ff.from, ff.to
	an := Anomaly{Kind: "false-failover", Processes: []string{from.process, to.process}}
	if from.process == to.process {
		an.Processes = an.Processes[:1]
	}
	var b strings.Builder
	switch {
	case ff.takeover:
		an.Ops, an.Start, an.End = sortedOps(from.startIdx, to.startIdx), to.start, from.end
		fmt.Fprintf(&b, "%s took over from %s at %s (token %d → %d) while no fault had removed %s (%s still led)",
			to.process, from.process, secs(to.start), from.token, to.token, from.process, from.process)
	case from.process == to.process:
		an.Ops, an.Start, an.End = sortedOps(from.startIdx, from.endIdx, to.startIdx), from.end, to.start
		fmt.Fprintf(&b, "%s was granted again at %s (token %d → %d) while no fault had removed it (its leadership had ended at %s: %s)",
			to.process, secs(to.start), from.token, to.token, secs(from.end), from.endReason)
	default:
		an.Ops, an.Start, an.End = sortedOps(from.startIdx, from.endIdx, to.startIdx), from.end, to.start
		fmt.Fprintf(&b, "%s took over from %s at %s (token %d → %d) while no fault had removed %s (%s's leadership had ended at %s: %s)",
			to.process, from.process, secs(to.start), from.token, to.token, from.process, from.process, secs(from.end), from.endReason)
	}
	if len(ff.faults) == 0 {
		b.WriteString("; no fault was in effect")
	} else {
		names := make([]string, len(ff.faults))
		for i, ft := range ff.faults {
			names[i] = ft.describe()
		}
		b.WriteString("; faults in effect: " + strings.Join(names, "; "))
	}
	an.Message = b.String()
	return an
}

// describe names a fault in a few words: "link-delay isolate-leader
// between n1 | n2 n3 since 2.00 s", "pause on n3 since 0.02 s",
// "client-pause of n1 since 5.00 s".
func (ft faultStart) describe() string {
	parts := []string{cmp.Or(ft.kind, "fault")}
	if ft.shape != "" {
		parts = append(parts, ft.shape)
	}
	switch {
	case ft.process != "":
		parts = append(parts, "of "+ft.process)
	case len(ft.groups) > 1:
		gs := make([]string, len(ft.groups))
		for i, g := range ft.groups {
			gs[i] = strings.Join(g, " ")
		}
		parts = append(parts, "between "+strings.Join(gs, " | "))
	case len(ft.nodes) > 0:
		parts = append(parts, "on "+strings.Join(ft.nodes, ", "))
	}
	return strings.Join(parts, " ") + " since " + secs(ft.t)
}

// tooManyFalseFailovers is the fatal anomaly of more false failovers than
// the limit: all their ops and processes, from the first to the last.
func tooManyFalseFailovers(ffs []falseFailover, limit int) Anomaly {
	an := Anomaly{Kind: "too-many-false-failovers", Fatal: true}
	var ops []int64
	var start, end time.Duration
	for i, ff := range ffs {
		n := ff.anomaly()
		ops = append(ops, n.Ops...)
		for _, p := range n.Processes {
			if !slices.Contains(an.Processes, p) {
				an.Processes = append(an.Processes, p)
			}
		}
		if i == 0 || n.Start < start {
			start = n.Start
		}
		end = max(end, n.End, n.Start)
	}
	slices.Sort(an.Processes)
	an.Ops, an.Start, an.End = sortedOps(ops...), start, end
	an.Message = fmt.Sprintf("%s, more than the limit of %d: leadership changed while no fault had removed the leader",
		plural(len(ffs), "false failover", "false failovers"), limit)
	return an
}
