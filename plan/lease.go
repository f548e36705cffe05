package plan

import (
	"fmt"
	"time"

	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/targets/kubernetes"
	"github.com/chaos-election/chaos/targets/lease"
)

// jitterFactor is client-go's leaderelection.JitterFactor: its retry
// period, jittered, must stay under the renew deadline.
const jitterFactor = 1.2

// Timings are the lease recipes' timings with the zero ones filled as the
// lease package fills them (lease.Config.Defaults: the 15 : 10 : 2
// proportion of client-go's defaults to lease_ttl).
func (p Plan) Timings() Lease {
	c := lease.Config{Duration: p.LeaseTTL, RenewEvery: p.Lease.RenewEvery,
		RenewDeadline: p.Lease.RenewDeadline, RetryPeriod: p.Lease.RetryPeriod}.Defaults()
	return Lease{RenewEvery: c.RenewEvery, RenewDeadline: c.RenewDeadline, RetryPeriod: c.RetryPeriod}
}

// checkLease checks the recipe against the workload and the lease
// timings against the lease duration, as client-go checks its own.
func (p Plan) checkLease(bad func(field, format string, args ...any)) {
	if !p.LeaseRecipe() && p.Target != TargetKubernetes {
		if p.Lease != (Lease{}) {
			bad("lease", "the lease timings apply to recipe lease-timestamp or lease-observed, and to target kubernetes; the plan's recipe is %q", p.Recipe)
		}
		return
	}
	if !p.Election() {
		bad("recipe", "%s elects the candidates: it needs workload election or election+register, not %q", p.Recipe, p.Workload)
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"lease.renew_every", p.Lease.RenewEvery}, {"lease.renew_deadline", p.Lease.RenewDeadline}, {"lease.retry_period", p.Lease.RetryPeriod}} {
		if d.v < 0 {
			bad(d.field, "must not be negative, got %s", FormatDuration(d.v))
		}
	}
	t := p.Timings()
	switch {
	case p.Recipe == RecipeLeaseTimestamp:
		if p.Lease.RenewDeadline != 0 || p.Lease.RetryPeriod != 0 {
			bad("lease", "renew_deadline and retry_period are client-go's: they apply to recipe lease-observed; lease-timestamp takes renew_every")
		}
		if t.RenewEvery <= 0 || t.RenewEvery >= p.LeaseTTL {
			bad("lease.renew_every", "must be shorter than lease_ttl (%s), got %s: a holder renews several times a lease", FormatDuration(p.LeaseTTL), FormatDuration(t.RenewEvery))
		}
	case p.Recipe == RecipeLeaseObserved || p.Target == TargetKubernetes:
		if p.Target == TargetKubernetes && !kubernetes.Available {
			bad("target", "kubernetes needs client-go, which this chaos was built without (-tags nokube, as ./scripts/run-default builds it for a fast first run): build it with `go build ./cmd/chaos`, or run ./scripts/test, which does")
			return
		}
		if !lease.ObservedAvailable {
			bad("recipe", "lease-observed needs client-go, which this chaos was built without (-tags nokube, as ./scripts/run-default builds it for a fast first run): build it with `go build ./cmd/chaos`, or run ./scripts/test, which does")
			return
		}
		if p.LeaseTTL%time.Second != 0 {
			bad("lease_ttl", "client-go records the lease duration in whole seconds (LeaseDurationSeconds), got %s", FormatDuration(p.LeaseTTL))
		}
		if p.Lease.RenewEvery != 0 {
			bad("lease.renew_every", "is lease-timestamp's; lease-observed (client-go) renews every retry_period until renew_deadline")
		}
		if t.RenewDeadline >= p.LeaseTTL {
			bad("lease.renew_deadline", "client-go needs lease_ttl (%s) > renew_deadline, got %s", FormatDuration(p.LeaseTTL), FormatDuration(t.RenewDeadline))
		}
		if float64(t.RenewDeadline) <= jitterFactor*float64(t.RetryPeriod) || t.RetryPeriod <= 0 {
			bad("lease.retry_period", "client-go needs renew_deadline (%s) > %.1f × retry_period, got %s", FormatDuration(t.RenewDeadline), jitterFactor, FormatDuration(t.RetryPeriod))
		}
	}
}

// checkClockFaults says which recipe a fault on a candidate's clock
// reaches: the clock is a candidate's own, which only lease-timestamp
// trusts. lease-observed takes one (client-go reads the real clock: the
// run shows it immune); the native recipes keep time in the backend, so
// there a candidate's clock fault is a mistake. A server node's clock
// (clock: node) is checkNodeClocks's.
func (p Plan) checkClockFaults(bad func(field, format string, args ...any)) {
	for i, f := range p.Nemesis.Faults {
		if !nemesis.IsClockFault(f.Kind) || f.Clock == nemesis.ClockNode {
			continue
		}
		field := fmt.Sprintf("nemesis.faults[%d].kind", i)
		switch {
		case !p.Election():
			bad(field, "%s sets a candidate's clock: it needs the election workload (workload: election or election+register)", f.Kind)
		case !p.LeaseRecipe():
			bad(field, "%s sets a candidate's own clock, which the native recipe never reads (the backend keeps its sessions' time); it reaches recipe lease-timestamp, and lease-observed shows client-go immune to it. %s",
				f.Kind, p.nodeClockHint())
		}
	}
}

// nodeClockHint says where a server node's clock can be skewed.
func (p Plan) nodeClockHint() string {
	if p.Cluster == ClusterExternal {
		return "To skew the server node's own clock, write clock: node, granted by external.commands.clock-skew"
	}
	return "The server nodes' clocks cannot be set here: containers share the host's kernel clock"
}
