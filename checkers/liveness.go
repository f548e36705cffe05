package checkers

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/chaos-election/chaos/history"
)

// liveness measures how well the cluster kept a leader: time without one
// (counted from the first campaign invoke on: from then the workload asks
// for a leader), failover time after each fault that removed the leader
// (from the fault taking effect to the next grant), the faults the leader
// survived, partitions that left no side a majority, elections per minute,
// leadership durations, and the false failovers: leadership changes no
// fault explains ([analysis.falseFailovers]), each a note. These are
// figures; limits in Options turn them into failures ("limit-exceeded",
// "too-many-elections", "too-many-false-failovers"). What removes a
// leader is [analysis.effectOf]'s rule.
type liveness struct {
	opts Options
	m    *memo
}

func (c *liveness) Name() string { return "liveness" }

// gap is a window without any leader.
type gap struct {
	start, end       time.Duration
	fromIdx, nextIdx int64 // the op that ended the last leadership; the next grant (-1: none)
}

func (c *liveness) Check(_ context.Context, h []history.Op) Result {
	a := c.m.get(h)
	res := Result{Checker: c.Name(), Figures: map[string]float64{}}
	f := res.Figures
	gaps := a.gaps()
	var total, longest time.Duration
	for _, g := range gaps {
		total += g.end - g.start
		longest = max(longest, g.end-g.start)
	}
	f["no_leader_total_s"] = total.Seconds()
	f["no_leader_longest_s"] = longest.Seconds()

	type failover struct {
		fault    faultStart
		eff      effect
		took     time.Duration
		grantIdx int64
	}
	var fos []failover
	unresolved, noMajority := 0, 0
	for _, ft := range a.faults {
		eff := a.effectOf(ft)
		if eff.noMajority {
			noMajority++
		}
		switch eff.outcome {
		case survived:
			res.Survived = append(res.Survived, Survival{Fault: ft.kind, FaultOp: ft.idx, Start: ft.t,
				Process: eff.leader.process, Token: eff.leader.token, HeldS: (a.healTime(ft) - ft.t).Seconds(), HealOp: ft.healIdx})
			continue
		case missed:
			continue
		}
		k := sort.Search(len(a.grants), func(i int) bool { return a.grants[i].idx > ft.idx })
		if k == len(a.grants) {
			unresolved++
			fos = append(fos, failover{fault: ft, eff: eff, took: a.end - ft.t, grantIdx: -1})
			continue
		}
		fos = append(fos, failover{fault: ft, eff: eff, took: a.grants[k].t - ft.t, grantIdx: a.grants[k].idx})
	}
	var took []float64
	for _, fo := range fos {
		res.Failovers = append(res.Failovers, Failover{Fault: fo.fault.kind, FaultOp: fo.fault.idx, Start: fo.fault.t,
			TookS: fo.took.Seconds(), GrantOp: fo.grantIdx, Resolved: fo.grantIdx >= 0,
			Process: fo.eff.leader.process, Token: fo.eff.leader.token, RemovedOp: fo.eff.proof, NoMajority: fo.eff.noMajority})
		if fo.grantIdx >= 0 {
			took = append(took, fo.took.Seconds())
		}
	}
	f["failovers"] = float64(len(took))
	f["failovers_unresolved"] = float64(unresolved)
	f["faults_survived"] = float64(len(res.Survived))
	f["partitions_no_majority"] = float64(noMajority)
	if len(took) > 0 {
		f["failover_median_s"], f["failover_max_s"] = median(took), slices.Max(took)
	}
	span := a.end - a.first
	f["elections"] = float64(len(a.grants))
	if span > 0 {
		f["elections_per_minute"] = float64(len(a.grants)) / span.Minutes()
	}
	var lead []float64
	for _, iv := range a.intervals {
		lead = append(lead, (iv.end - iv.start).Seconds())
	}
	if len(lead) > 0 {
		f["leadership_min_s"], f["leadership_median_s"], f["leadership_max_s"] = slices.Min(lead), median(lead), slices.Max(lead)
	}

	res.Anomalies = append(res.Anomalies, earlyTakeovers(h, f)...)
	ffs := a.falseFailovers()
	f["false_failovers"] = float64(len(ffs))
	for _, ff := range ffs {
		res.Anomalies = append(res.Anomalies, ff.anomaly())
	}

	lim := c.opts.Limits
	if lim.MaxNoLeader > 0 {
		for _, g := range gaps {
			if d := g.end - g.start; d > lim.MaxNoLeader {
				res.Anomalies = append(res.Anomalies, Anomaly{
					Kind: "limit-exceeded", Fatal: true, Ops: sortedOps(g.fromIdx, g.nextIdx), Start: g.start, End: g.end,
					Message: fmt.Sprintf("no leader from %s to %s (%s), longer than the limit of %s", secs(g.start), secs(g.end), secs(d), secs(lim.MaxNoLeader)),
				})
			}
		}
	}
	if lim.MaxFailover > 0 {
		for _, fo := range fos {
			if fo.took <= lim.MaxFailover {
				continue
			}
			what := fmt.Sprintf("the next leader was granted %s later", secs(fo.took))
			if fo.grantIdx < 0 {
				what = fmt.Sprintf("no new leader was granted in the %s left", secs(fo.took))
			}
			if fo.eff.noMajority {
				what += " (the partition left no side a majority)"
			}
			res.Anomalies = append(res.Anomalies, Anomaly{
				Kind: "limit-exceeded", Fatal: true, Ops: sortedOps(fo.fault.idx, fo.eff.proof, fo.grantIdx), Start: fo.fault.t, End: fo.fault.t + fo.took,
				Processes: []string{fo.eff.leader.process},
				Message: fmt.Sprintf("the %s fault at %s removed the leader %s (token %d) and %s, more than the failover limit of %s",
					fo.fault.kind, secs(fo.fault.t), fo.eff.leader.process, fo.eff.leader.token, what, secs(lim.MaxFailover)),
			})
		}
	}
	if lim.MaxElectionsPerMin > 0 && f["elections_per_minute"] > lim.MaxElectionsPerMin {
		var ops []int64
		for _, g := range a.grants {
			ops = append(ops, g.idx)
		}
		res.Anomalies = append(res.Anomalies, Anomaly{
			Kind: "too-many-elections", Fatal: true, Ops: sortedOps(ops...), Start: a.first, End: a.end,
			Message: fmt.Sprintf("%.1f elections per minute (%d in %s), more than the limit of %.1f: leadership flaps",
				f["elections_per_minute"], len(a.grants), secs(a.end-a.first), lim.MaxElectionsPerMin),
		})
	}
	if lim.MaxFalseFailovers.Exceeded(len(ffs)) {
		most, _ := lim.MaxFalseFailovers.Max()
		res.Anomalies = append(res.Anomalies, tooManyFalseFailovers(ffs, most))
	}
	res.Validity = verdict(res.Anomalies)
	res.Summary = fmt.Sprintf("no leader %s in all (longest %s); %s", secs(total), secs(longest), plural(len(took), "failover", "failovers"))
	if len(took) > 0 {
		res.Summary += fmt.Sprintf(", median %.2f s, max %.2f s", f["failover_median_s"], f["failover_max_s"])
	}
	if n := len(res.Survived); n > 0 {
		res.Summary += fmt.Sprintf("; the leader survived %s", plural(n, "fault", "faults"))
	}
	if noMajority > 0 {
		res.Summary += fmt.Sprintf("; %s left no side a majority", plural(noMajority, "partition", "partitions"))
	}
	if len(a.grants) == 0 && a.askedIdx >= 0 {
		res.Summary += "; no campaign was ever granted"
	}
	if n := f["takeovers_early"]; n > 0 {
		res.Summary += fmt.Sprintf("; %s before the lease ended (up to %.2f s early)", plural(int(n), "takeover", "takeovers"), f["takeover_early_max_s"])
	}
	if n := len(ffs); n > 0 {
		res.Summary += fmt.Sprintf("; %s (a new leader while no fault had removed the old one)", plural(n, "false failover", "false failovers"))
	}
	if n := countFatal(res.Anomalies); n > 0 {
		res.Summary += fmt.Sprintf("; %s exceeded", plural(n, "limit", "limits"))
	}
	return res
}

// gaps returns the windows without any leader, from the first campaign
// invoke on (or from the first grant, in a history without campaign
// invokes). A history whose campaigns were never granted is one window,
// from the first invoke to the end.
func (a *analysis) gaps() []gap {
	if len(a.intervals) == 0 {
		if a.askedIdx < 0 || a.asked >= a.end {
			return nil
		}
		return []gap{{start: a.asked, end: a.end, fromIdx: a.askedIdx, nextIdx: -1}}
	}
	var out []gap
	covered, fromIdx := a.intervals[0].start, int64(-1)
	if a.askedIdx >= 0 && a.asked < covered {
		covered, fromIdx = a.asked, a.askedIdx
	}
	for _, iv := range a.intervals {
		if iv.start > covered {
			out = append(out, gap{start: covered, end: iv.start, fromIdx: fromIdx, nextIdx: iv.startIdx})
		}
		if iv.end > covered {
			covered, fromIdx = iv.end, iv.endIdx
		}
	}
	if covered < a.end {
		out = append(out, gap{start: covered, end: a.end, fromIdx: fromIdx, nextIdx: -1})
	}
	return out
}

// healTime is when ft stopped being in effect: its heal, or the end.
func (a *analysis) healTime(ft faultStart) time.Duration {
	if ft.healIdx < 0 {
		return a.end
	}
	return ft.healT
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
