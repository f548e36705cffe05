package runner

import "github.com/chaos-election/chaos/checkers"

// CheckerOptions are the plan's checks as the checkers take them.
func (p Plan) CheckerOptions() checkers.Options {
	var o checkers.Options
	o.Strict = p.Strict
	o.AllowNoFaults = p.Checks.AllowNoFaults
	o.MinOps = p.Checks.MinOps
	o.Limits.MaxNoLeader = p.Checks.MaxNoLeader
	o.Limits.MaxFailover = p.Checks.MaxFailover
	o.Limits.MaxElectionsPerMin = p.Checks.MaxElectionsPerMinute
	o.LinearizableTimeout = p.Checks.LinearizableTimeout
	return o
}
