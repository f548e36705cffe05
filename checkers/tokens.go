package checkers

import (
	"context"
	"fmt"

	"github.com/chaos-election/chaos/history"
)

// tokenOrder checks that each grant's token is greater than every grant
// completed before it.
type tokenOrder struct{ m *memo }

func (c *tokenOrder) Name() string { return "token-order" }

func (c *tokenOrder) Check(_ context.Context, h []history.Op) Result {
	a := c.m.get(h)
	res := Result{Checker: c.Name(), Figures: map[string]float64{"grants": float64(len(a.grants))}}
	seen := make(map[uint64]grant, len(a.grants))
	var maxG grant
	for i, g := range a.grants {
		if prev, dup := seen[g.token]; dup {
			res.Anomalies = append(res.Anomalies, Anomaly{
				Kind: "token-reused", Fatal: true, Ops: sortedOps(prev.idx, g.idx),
				Processes: []string{prev.process, g.process},
				Message: fmt.Sprintf("%s was granted token %d at %s, which %s had already been granted at %s: two leaderships share one fencing token",
					g.process, g.token, secs(g.t), prev.process, secs(prev.t)),
			})
		} else if i > 0 && g.token < maxG.token {
			res.Anomalies = append(res.Anomalies, Anomaly{
				Kind: "token-not-increasing", Fatal: true, Ops: sortedOps(maxG.idx, g.idx),
				Processes: []string{maxG.process, g.process},
				Message: fmt.Sprintf("%s was granted token %d at %s, lower than token %d granted to %s at %s: tokens must increase with every new leader",
					g.process, g.token, secs(g.t), maxG.token, maxG.process, secs(maxG.t)),
			})
		}
		if _, dup := seen[g.token]; !dup {
			seen[g.token] = g
		}
		if i == 0 || g.token > maxG.token {
			maxG = g
		}
	}
	res.Validity = verdict(res.Anomalies)
	if res.Validity == Valid {
		res.Summary = fmt.Sprintf("%s, each token greater than every earlier one", plural(len(a.grants), "grant", "grants"))
	} else {
		res.Summary = fmt.Sprintf("%s out of order among %s", plural(len(res.Anomalies), "grant", "grants"), plural(len(a.grants), "grant", "grants"))
	}
	return res
}
