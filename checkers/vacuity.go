package checkers

import (
	"context"
	"fmt"
	"strings"

	"github.com/chaos-election/chaos/history"
)

// vacuity makes a history that proves nothing unknown: one in which no
// fault took effect (unless Options.AllowNoFaults), with fewer completed
// client ops than Options.MinOps, or, for the election workload, in which
// no campaign was ever granted (no leader, so no safety property was
// exercised). A run like that is never a pass.
type vacuity struct {
	opts     Options
	m        *memo
	election bool // the history is an election workload's
}

func (c *vacuity) Name() string { return "vacuity" }

func (c *vacuity) Check(_ context.Context, h []history.Op) Result {
	a := c.m.get(h)
	res := Result{Checker: c.Name(), Validity: Valid, Figures: map[string]float64{
		"faults": float64(len(a.faults)), "completed_ops": float64(a.completed),
	}}
	if c.election {
		res.Figures["grants"] = float64(len(a.grants))
	}
	if len(a.faults) == 0 && !c.opts.AllowNoFaults {
		res.Anomalies = append(res.Anomalies, Anomaly{
			Kind: "no-faults", Fatal: true, Ops: []int64{},
			Message: "no fault took effect (the history has no nemesis fault-start), so nothing was tested under failure; pass --allow-no-faults for a history from an application",
		})
	}
	if c.election && len(a.grants) == 0 {
		res.Anomalies = append(res.Anomalies, Anomaly{
			Kind: "no-grants", Fatal: true, Ops: sortedOps(a.askedIdx),
			Message: "no campaign was ever granted, so there was never a leader whose safety could be tested; the time without a leader counts from the first campaign",
		})
	}
	if min := c.opts.minOps(); a.completed < min {
		res.Anomalies = append(res.Anomalies, Anomaly{
			Kind: "too-few-ops", Fatal: true, Ops: []int64{},
			Message: fmt.Sprintf("only %s completed (ok or fail), fewer than the minimum of %d: too little happened to judge", plural(a.completed, "client op", "client ops"), min),
		})
	}
	if len(res.Anomalies) > 0 {
		res.Validity = Unknown
		kinds := make([]string, len(res.Anomalies))
		for i, an := range res.Anomalies {
			kinds[i] = an.Kind
		}
		res.Summary = "vacuous: " + strings.Join(kinds, ", ")
		return res
	}
	res.Summary = fmt.Sprintf("%s in effect, %s completed", plural(len(a.faults), "fault", "faults"), plural(a.completed, "client op", "client ops"))
	return res
}
