package checkers

import (
	"fmt"
	"time"

	"github.com/chaos-election/chaos/history"
)

// earlyTakeovers finds the campaigns that took a lease over before it
// ended: a campaign's ok whose took_over says the record's expiry, as its
// holder stamped it, still lay ahead of true time (a candidate whose own
// clock runs ahead, or a holder whose clock runs behind the taker's). Each
// is a non-fatal "early-takeover" anomaly spanning the time the lease had
// left, so the report marks it on the lanes where both holders show; the
// figures count them (in histories whose campaigns say what they took
// over at all). They are findings, not verdicts: what the two
// holders did with the overlap is the dual-leaders and stale-writes
// checkers' to judge.
func earlyTakeovers(h []history.Op, f map[string]float64) []Anomaly {
	var out []Anomaly
	var most time.Duration
	seen := false
	for i := range h {
		op := &h[i]
		if op.F != history.FCampaign || op.Type != history.OK {
			continue
		}
		t, ok := op.TookOver()
		seen = seen || ok
		if !ok || t.ExpiresInNanos <= 0 {
			continue
		}
		early := time.Duration(t.ExpiresInNanos)
		most = max(most, early)
		out = append(out, Anomaly{
			Kind: "early-takeover", Ops: []int64{op.Index}, Processes: []string{t.From, op.Process},
			Start: op.Time, End: op.Time + early,
			Message: fmt.Sprintf("%s took the lease over from %s at %s, %s before the expiry %s had stamped on it: %s may still lead by its own clock",
				op.Process, t.From, secs(op.Time), secs(early), t.From, t.From),
		})
	}
	if seen { // a recipe that says what it took over: lease-timestamp
		f["takeovers_early"] = float64(len(out))
	}
	if len(out) > 0 {
		f["takeover_early_max_s"] = most.Seconds()
	}
	return out
}

// countFatal is how many of as are fatal.
func countFatal(as []Anomaly) int {
	n := 0
	for _, a := range as {
		if a.Fatal {
			n++
		}
	}
	return n
}
