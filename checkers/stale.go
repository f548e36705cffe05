package checkers

import (
	"context"
	"fmt"
	"sort"

	"github.com/chaos-election/chaos/history"
)

// staleWrites finds writes made with a token older than a grant that had
// already completed (a zombie leader acting), and writes the resource
// accepted out of token order.
//
// A stale write is *attempted* (counted, not fatal) when rejected or of
// unknown outcome. Independently of grants, the resource accepting a write
// of token T after it had accepted a write of a token T' > T (completed
// before this one was invoked) is *accepted*, invalid, whoever wrote: with
// fencing the fence failed, without it (resource none) the resource's data
// interleaves two leaders' writes out of order. A stale write accepted
// before any newer token reached the resource still leaves the resource's
// tokens in increasing order; it is reported as "stale-write-raced", not
// fatal.
type staleWrites struct{ m *memo }

func (c *staleWrites) Name() string { return "stale-writes" }

func (c *staleWrites) Check(_ context.Context, h []history.Op) Result {
	a := c.m.get(h)
	res := Result{Checker: c.Name()}
	var attempted, accepted, raced, rejected, unknown int

	// Grants and accepted writes by completion index, for "the newest
	// token granted / accepted before index i".
	okWrites := make([]write, 0, len(a.writes))
	for _, w := range a.writes {
		if w.outcome == history.OK {
			okWrites = append(okWrites, w)
		}
	}
	sort.Slice(okWrites, func(i, j int) bool { return okWrites[i].doneIdx < okWrites[j].doneIdx })
	gi, wi := 0, 0
	var maxGrant grant
	var maxOK write
	haveGrant, haveOK := false, false
	// writes are in invoke order: advance both cursors to each invoke.
	for _, w := range a.writes {
		for gi < len(a.grants) && a.grants[gi].idx < w.invokeIdx {
			if !haveGrant || a.grants[gi].token > maxGrant.token {
				maxGrant, haveGrant = a.grants[gi], true
			}
			gi++
		}
		for wi < len(okWrites) && okWrites[wi].doneIdx < w.invokeIdx {
			if !haveOK || okWrites[wi].token > maxOK.token {
				maxOK, haveOK = okWrites[wi], true
			}
			wi++
		}
		outOfOrder := w.outcome == history.OK && haveOK && maxOK.token > w.token
		if !haveGrant || maxGrant.token <= w.token {
			if outOfOrder {
				// No newer grant, yet a newer token reached the resource
				// first: an ungranted token's write (ungranted-writes says
				// whose), accepted out of order all the same.
				accepted++
				res.Anomalies = append(res.Anomalies, Anomaly{
					Kind: "stale-write-accepted", Fatal: true, Ops: sortedOps(maxOK.invokeIdx, maxOK.doneIdx, w.invokeIdx, w.doneIdx),
					Processes: uniq(w.process, maxOK.process), Start: maxOK.doneT, End: w.doneT,
					Message: fmt.Sprintf("%s wrote with token %d at %s, after the resource had accepted token %d from %s at %s; the resource accepted it: older after newer",
						w.process, w.token, secs(w.invokeT), maxOK.token, maxOK.process, secs(maxOK.doneT)),
				})
			}
			continue
		}
		attempted++
		after := w.invokeT - maxGrant.t
		stale := func(kind string, fatal bool, ops []int64, how string) {
			res.Anomalies = append(res.Anomalies, Anomaly{
				Kind: kind, Fatal: fatal, Ops: sortedOps(append(ops, maxGrant.idx, w.invokeIdx, w.doneIdx)...),
				Processes: uniq(w.process, maxGrant.process), Start: maxGrant.t, End: w.doneT,
				Message: fmt.Sprintf("%s %s token %d at %s, %s after %s was granted token %d%s",
					w.process, map[bool]string{true: "wrote with", false: "tried to write with"}[w.outcome == history.OK],
					w.token, secs(w.invokeT), secs(after), maxGrant.process, maxGrant.token, how),
			})
		}
		switch {
		case outOfOrder:
			accepted++
			stale("stale-write-accepted", true, []int64{maxOK.doneIdx},
				fmt.Sprintf(" and after the resource had accepted token %d; the resource accepted it", maxOK.token))
		case w.outcome == history.OK:
			raced++
			stale("stale-write-raced", false, nil, " but before any write of a newer token reached the resource; accepted, and the resource still saw tokens in order")
		case w.outcome == history.Fail:
			rejected++
			stale("stale-write-attempted", false, nil, "; the resource rejected it")
		default:
			unknown++
			stale("stale-write-attempted", false, nil, "; its outcome is unknown")
		}
	}
	res.Figures = map[string]float64{
		"writes": float64(len(a.writes)), "stale_attempted": float64(attempted),
		"stale_accepted": float64(accepted), "stale_raced": float64(raced),
		"stale_rejected": float64(rejected), "stale_unknown": float64(unknown),
	}
	res.Validity = verdict(res.Anomalies)
	switch {
	case accepted > 0:
		res.Summary = fmt.Sprintf("%s accepted after a newer token: the resource took tokens out of order (%d stale attempts in all)", plural(accepted, "write", "writes"), attempted)
	case attempted > 0:
		res.Summary = fmt.Sprintf("%s by deposed leaders: %d rejected, %d accepted before any newer token reached the resource, %d unknown; the resource never accepted an older token after a newer one",
			plural(attempted, "stale write", "stale writes"), rejected, raced, unknown)
	default:
		res.Summary = fmt.Sprintf("no stale-token writes among %s", plural(len(a.writes), "write", "writes"))
	}
	return res
}

func uniq(ps ...string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		dup := false
		for _, q := range out {
			dup = dup || q == p
		}
		if !dup && p != "" {
			out = append(out, p)
		}
	}
	return out
}
