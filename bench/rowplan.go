package bench

import (
	"fmt"
	"time"

	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
)

// Bounds of a row's fault window.
const (
	// leaseMargin is how much longer than the lease TTL a fault is held:
	// a fault the lease outlasts ends before anyone can take over.
	leaseMargin = 5 * time.Second
	// minFaults is how many faults a lengthened fault window holds.
	minFaults = 3
)

// failoverPlan is the plan of one row: base on target with the recipe
// setting s and one fault on the leader's node, held max(hold, lease TTL +
// 5 s). When the lease needs a longer hold than hold, the fault window is
// lengthened, if it must be, to hold three such faults with the quiet
// nemesis.interval before each; otherwise it stays base's. The plan
// passes plan.Validate (client-go's checks of the timings, the fault
// fitting its window), or its error names the recipe entry, target and
// fault.
func failoverPlan(base plan.Plan, target string, s RecipeSetting, fault string, hold time.Duration) (plan.Plan, error) {
	p := base
	p.SetTarget(target)
	s.apply(&p)
	p.Name = runName(target, s, fault)
	f := nemesis.FaultSpec{Kind: fault, Victim: "leader", Duration: max(hold, p.LeaseTTL+leaseMargin)}
	p.Nemesis.Faults = []nemesis.FaultSpec{f}
	if f.Duration > hold {
		p.Duration = max(p.Duration, minFaults*(p.Nemesis.Interval+f.Needs()))
	}
	if err := p.Validate(); err != nil {
		return plan.Plan{}, fmt.Errorf("recipe %s, %s with %s: %w", s, target, fault, err)
	}
	return p, nil
}
