package checkers

import (
	"context"
	"fmt"

	"github.com/chaos-election/chaos/history"
)

// ungrantedWrites finds election writes by a process that had not been
// granted the token it carries: one that was never granted anything
// ("write-without-grant"), or one whose grants do not include that token,
// whether another process was granted it or nobody was
// ("write-ungranted-token"). Such a process acts as a leader it never was;
// if the resource accepted the write, it took a write from no leader at
// all: invalid. A rejected write, or one of unknown outcome, is reported
// and counted.
//
// A process is granted a token by the ok of its campaign carrying it, and
// only before the write's invoke counts; leadership that ended since does
// not matter here (that is a stale write, [staleWrites]).
type ungrantedWrites struct{ m *memo }

func (c *ungrantedWrites) Name() string { return "ungranted-writes" }

func (c *ungrantedWrites) Check(_ context.Context, h []history.Op) Result {
	a := c.m.get(h)
	res := Result{Checker: c.Name()}
	held := map[string]map[uint64]bool{} // process -> tokens granted to it so far
	holder := map[uint64]grant{}         // token -> its first grant so far
	gi := 0
	var count, accepted int
	for _, w := range a.writes {
		for ; gi < len(a.grants) && a.grants[gi].idx < w.invokeIdx; gi++ {
			g := a.grants[gi]
			if held[g.process] == nil {
				held[g.process] = map[uint64]bool{}
			}
			held[g.process][g.token] = true
			if _, ok := holder[g.token]; !ok {
				holder[g.token] = g
			}
		}
		if held[w.process][w.token] {
			continue
		}
		count++
		ok := w.outcome == history.OK
		if ok {
			accepted++
		}
		an := Anomaly{Fatal: ok, Processes: []string{w.process}, Start: w.invokeT, End: w.doneT,
			Ops: sortedOps(w.invokeIdx, w.doneIdx)}
		var why string
		switch g, other := holder[w.token]; {
		case len(held[w.process]) == 0 && other:
			an.Kind = "write-without-grant"
			why = fmt.Sprintf("it was never granted leadership (token %d was %s's, granted at %s)", w.token, g.process, secs(g.t))
			an.Ops, an.Processes = sortedOps(g.idx, w.invokeIdx, w.doneIdx), uniq(w.process, g.process)
		case len(held[w.process]) == 0:
			an.Kind = "write-without-grant"
			why = "it was never granted leadership, and nobody was granted that token"
		case other:
			an.Kind = "write-ungranted-token"
			why = fmt.Sprintf("a token it was never granted: %s was, at %s", g.process, secs(g.t))
			an.Ops, an.Processes = sortedOps(g.idx, w.invokeIdx, w.doneIdx), uniq(w.process, g.process)
		default:
			an.Kind = "write-ungranted-token"
			why = "a token nobody had been granted"
		}
		an.Message = fmt.Sprintf("%s wrote with token %d at %s, but %s; %s", w.process, w.token, secs(w.invokeT), why, writeFate(w))
		res.Anomalies = append(res.Anomalies, an)
	}
	res.Figures = map[string]float64{"ungranted_writes": float64(count), "ungranted_accepted": float64(accepted)}
	res.Validity = verdict(res.Anomalies)
	switch {
	case accepted > 0:
		res.Summary = fmt.Sprintf("%s accepted from processes not granted their token (%d such writes in all)", plural(accepted, "write", "writes"), count)
	case count > 0:
		res.Summary = fmt.Sprintf("%s from processes not granted their token, none accepted", plural(count, "write", "writes"))
	default:
		res.Summary = fmt.Sprintf("every one of %s carried a token its process had been granted", plural(len(a.writes), "write", "writes"))
	}
	return res
}

// writeFate says what the resource did with w.
func writeFate(w write) string {
	switch w.outcome {
	case history.OK:
		return "the resource accepted it"
	case history.Fail:
		return "the resource rejected it"
	}
	return "its outcome is unknown"
}
