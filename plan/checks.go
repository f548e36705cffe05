package plan

import "github.com/chaos-election/chaos/checkers"

// CheckerOptions are the plan's checks as the checkers take them.
func (p Plan) CheckerOptions() checkers.Options { return p.Checks.Options(p.Strict) }

// Options are these limits as the checkers take them; strict makes every
// leadership overlap fail, even one whose stale side was fenced off.
func (c Checks) Options(strict bool) checkers.Options {
	var o checkers.Options
	o.Strict = strict
	o.AllowNoFaults = c.AllowNoFaults
	o.MinOps = c.MinOps
	o.Limits.MaxNoLeader = c.MaxNoLeader
	o.Limits.MaxFailover = c.MaxFailover
	o.Limits.MaxElectionsPerMin = c.MaxElectionsPerMinute
	o.LinearizableTimeout = c.LinearizableTimeout
	return o
}
