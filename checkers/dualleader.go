package checkers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/chaos-election/chaos/history"
)

// dualLeaders finds overlapping leadership intervals.
//
// Two intervals overlap in the window W = [later start, earlier end). The
// overlap is split brain with effect (invalid) when the resource accepted
// the two leaders' writes interleaved inside W: a write of the older token
// invoked in W after a write of the newer token, also invoked in W, had
// been accepted. An overlap in which the older leader's writes were
// rejected, or all came before the newer leader's first accepted write, or
// in which it did not write at all, was contained: the resource saw one
// leader at a time. Contained overlaps are reported with their duration,
// and fail the run only with Options.Strict.
type dualLeaders struct {
	opts Options
	m    *memo
}

func (c *dualLeaders) Name() string { return "dual-leaders" }

func (c *dualLeaders) Check(_ context.Context, h []history.Op) Result {
	a := c.m.get(h)
	res := Result{Checker: c.Name()}
	// Each process's writes, and its accepted ones, in invoke order.
	all, accepted := map[string][]write{}, map[string][]write{}
	for _, w := range a.writes {
		all[w.process] = append(all[w.process], w)
		if w.outcome == history.OK {
			accepted[w.process] = append(accepted[w.process], w)
		}
	}
	var overlaps, splits int
	var longest, total time.Duration
	for i := range a.intervals {
		x := a.intervals[i]
		for j := i + 1; j < len(a.intervals); j++ {
			y := a.intervals[j]
			if y.start >= x.end {
				break // sorted by start: no later one overlaps x either
			}
			start, end := y.start, min(x.end, y.end)
			if end <= start || x.process == y.process {
				continue
			}
			overlaps++
			total += end - start
			longest = max(longest, end-start)
			older, newer := x, y
			if newer.token < older.token {
				older, newer = newer, older
			}
			an := c.judge(older, newer, start, end, all, accepted)
			if an.Kind == "split-brain" {
				splits++
			}
			res.Anomalies = append(res.Anomalies, an)
		}
	}
	res.Figures = map[string]float64{
		"overlaps": float64(overlaps), "split_brains": float64(splits),
		"overlap_total_s": total.Seconds(), "overlap_longest_s": longest.Seconds(),
	}
	res.Validity = verdict(res.Anomalies)
	switch {
	case splits > 0:
		res.Summary = fmt.Sprintf("%s with effect: two leaders' writes accepted interleaved", plural(splits, "split brain", "split brains"))
	case overlaps > 0 && c.opts.Strict:
		res.Summary = fmt.Sprintf("%s (longest %s); strict: every overlap fails", plural(overlaps, "leadership overlap", "leadership overlaps"), secs(longest))
	case overlaps > 0:
		res.Summary = fmt.Sprintf("%s (longest %s); in none did the resource accept the two leaders' writes interleaved", plural(overlaps, "leadership overlap", "leadership overlaps"), secs(longest))
	default:
		res.Summary = fmt.Sprintf("never two leaders at once (%s)", plural(len(a.intervals), "leadership", "leaderships"))
	}
	return res
}

// judge classifies the overlap [start, end) of an older and a newer leader.
func (c *dualLeaders) judge(older, newer interval, start, end time.Duration, all, accepted map[string][]write) Anomaly {
	ow, nw := within(accepted[older.process], older.token, start, end), within(accepted[newer.process], newer.token, start, end)
	base := []int64{older.startIdx, newer.startIdx, older.endIdx, newer.endIdx}
	procs := []string{older.process, newer.process}
	if len(nw) > 0 {
		first := nw[0]
		for _, w := range ow {
			if w.invokeIdx > first.doneIdx {
				return Anomaly{
					Kind: "split-brain", Fatal: true, Processes: procs, Start: start, End: end,
					Ops: sortedOps(append(base, first.invokeIdx, first.doneIdx, w.invokeIdx, w.doneIdx)...),
					Message: fmt.Sprintf("%s (token %d) and %s (token %d) both led from %s to %s (%s), and the resource accepted %s's write at %s after %s's at %s: split brain with effect",
						older.process, older.token, newer.process, newer.token, secs(start), secs(end), secs(end-start),
						older.process, secs(w.invokeT), newer.process, secs(first.invokeT)),
				}
			}
		}
	}
	return Anomaly{
		Kind: "contained-overlap", Fatal: c.opts.Strict, Processes: procs, Start: start, End: end,
		Ops: sortedOps(base...),
		Message: fmt.Sprintf("%s (token %d) and %s (token %d) both believed they led from %s to %s (%s); %s: the resource saw one leader at a time",
			older.process, older.token, newer.process, newer.token, secs(start), secs(end), secs(end-start), contained(older, newer, within(all[older.process], older.token, start, end), ow, nw)),
	}
}

// contained says what the history shows of an overlap that was not split
// brain: what became of the older leader's writes in the window (tried:
// all of them; ow: the accepted ones; nw: the newer leader's accepted
// ones).
func contained(older, newer interval, tried, ow, nw []write) string {
	var rejected, unknown int
	for _, w := range tried {
		switch w.outcome {
		case history.Fail:
			rejected++
		case history.Info, "":
			unknown++
		}
	}
	var parts []string
	switch {
	case len(ow) > 0 && len(nw) > 0:
		parts = append(parts, fmt.Sprintf("the resource accepted %s of %s's only before %s's first", plural(len(ow), "write", "writes"), older.process, newer.process))
	case len(ow) > 0:
		parts = append(parts, fmt.Sprintf("the resource accepted %s of %s's and none of %s's", plural(len(ow), "write", "writes"), older.process, newer.process))
	}
	if rejected > 0 {
		parts = append(parts, fmt.Sprintf("it rejected %s of %s's", plural(rejected, "write", "writes"), older.process))
	}
	if unknown > 0 {
		parts = append(parts, fmt.Sprintf("%s of %s's ended unknown", plural(unknown, "write", "writes"), older.process))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%s made no write in that window", older.process)
	}
	return strings.Join(parts, ", ")
}

// within returns the writes of ws (one process's, in invoke order) with
// token, invoked in [start, end).
func within(ws []write, token uint64, start, end time.Duration) []write {
	k := sort.Search(len(ws), func(i int) bool { return ws[i].invokeT >= start })
	var out []write
	for ; k < len(ws) && ws[k].invokeT < end; k++ {
		if ws[k].token == token {
			out = append(out, ws[k])
		}
	}
	return out
}
