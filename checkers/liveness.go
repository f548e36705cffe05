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
// (counted from the first grant on), failover time after each fault that
// removed the leader (to the next grant), elections per minute and
// leadership durations. These are figures; limits in Options turn them
// into failures ("limit-exceeded").
//
// A fault removed the leader when the leader's node is among its victims
// (value "nodes" or the op's node), the leader's process is its "process"
// (a client pause), or, for a partition with "groups", the leader is
// outside the largest group (it cannot reach a majority). Faults that only
// slow a link (client-delay, client-loss) remove no one.
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
		took     time.Duration
		grantIdx int64
	}
	var fos []failover
	unresolved := 0
	for _, ft := range a.faults {
		if !a.removedLeader(ft) {
			continue
		}
		k := sort.Search(len(a.grants), func(i int) bool { return a.grants[i].idx > ft.idx })
		if k == len(a.grants) {
			unresolved++
			fos = append(fos, failover{fault: ft, took: a.end - ft.t, grantIdx: -1})
			continue
		}
		fos = append(fos, failover{fault: ft, took: a.grants[k].t - ft.t, grantIdx: a.grants[k].idx})
	}
	var took []float64
	for _, fo := range fos {
		res.Failovers = append(res.Failovers, Failover{Fault: fo.fault.kind, FaultOp: fo.fault.idx, Start: fo.fault.t,
			TookS: fo.took.Seconds(), GrantOp: fo.grantIdx, Resolved: fo.grantIdx >= 0})
		if fo.grantIdx >= 0 {
			took = append(took, fo.took.Seconds())
		}
	}
	f["failovers"] = float64(len(took))
	f["failovers_unresolved"] = float64(unresolved)
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
			res.Anomalies = append(res.Anomalies, Anomaly{
				Kind: "limit-exceeded", Fatal: true, Ops: sortedOps(fo.fault.idx, fo.grantIdx), Start: fo.fault.t, End: fo.fault.t + fo.took,
				Message: fmt.Sprintf("the %s fault at %s removed the leader and %s, more than the failover limit of %s", fo.fault.kind, secs(fo.fault.t), what, secs(lim.MaxFailover)),
			})
		}
	}
	if lim.MaxElectionsPerMin > 0 && f["elections_per_minute"] > lim.MaxElectionsPerMin {
		var ops []int64
		for _, g := range a.grants {
			ops = append(ops, g.idx)
		}
		res.Anomalies = append(res.Anomalies, Anomaly{
			Kind: "limit-exceeded", Fatal: true, Ops: sortedOps(ops...), Start: a.first, End: a.end,
			Message: fmt.Sprintf("%.1f elections per minute, more than the limit of %.1f: leadership flaps", f["elections_per_minute"], lim.MaxElectionsPerMin),
		})
	}
	res.Validity = verdict(res.Anomalies)
	res.Summary = fmt.Sprintf("no leader %s in all (longest %s); %s", secs(total), secs(longest), plural(len(took), "failover", "failovers"))
	if len(took) > 0 {
		res.Summary += fmt.Sprintf(", median %.2f s, max %.2f s", f["failover_median_s"], f["failover_max_s"])
	}
	if n := len(res.Anomalies); n > 0 {
		res.Summary += fmt.Sprintf("; %s exceeded", plural(n, "limit", "limits"))
	}
	return res
}

// gaps returns the windows without any leader, from the first grant on.
func (a *analysis) gaps() []gap {
	if len(a.intervals) == 0 {
		return nil
	}
	var out []gap
	covered, fromIdx := a.intervals[0].start, int64(-1)
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

// degrading are the fault kinds that slow a victim's link without cutting
// it (client-delay, client-loss): the leader they hit is still in office,
// so they start no failover.
var degrading = []string{"client-delay", "client-loss"}

// removedLeader reports whether the fault hit a leader in office.
func (a *analysis) removedLeader(ft faultStart) bool {
	if slices.Contains(degrading, ft.kind) {
		return false
	}
	for _, iv := range a.leadersAt(ft.t) {
		if iv.endIdx != -1 && iv.endIdx < ft.idx {
			continue
		}
		if slices.Contains(ft.nodes, iv.node) || (ft.process != "" && ft.process == iv.process) {
			return true
		}
		if len(ft.groups) > 1 {
			largest := ft.groups[0]
			for _, g := range ft.groups[1:] {
				if len(g) > len(largest) {
					largest = g
				}
			}
			if !slices.Contains(largest, iv.node) {
				return true
			}
		}
	}
	return false
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
