package plan

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/chaos-election/chaos/checkers"
)

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
	o.Limits.MaxFalseFailovers = c.MaxFalseFailovers
	o.LinearizableTimeout = c.LinearizableTimeout
	return o
}

// countLimit decodes an integer cap: set, even to 0 (none allowed). A
// field left out keeps the base plan's.
func (d *decoder) countLimit(field string, n *yaml.Node, out *checkers.CountLimit) {
	var v int64
	if !d.integer64(field, n, &v) {
		return
	}
	if int64(int(v)) != v {
		d.fail(n, field, "%d is out of range", v)
		return
	}
	*out = checkers.AtMost(int(v))
}

// addCountLimit writes a cap that is set, and returns "". An unset one
// has no value to write (0 would allow none): it returns the comment that
// says the field is there, unset, for the caller to put before the next.
func addCountLimit(m *yaml.Node, key string, l checkers.CountLimit) (unset string) {
	if n, ok := l.Max(); ok {
		add(m, key, intNode(int64(n)))
		return ""
	}
	return key + ": unset, no limit (0 allows none)"
}

// LimitFalseFailovers caps the false failovers at n (0: none allowed), as
// `checks.max_false_failovers` does; a negative n is an error.
func (c *Checks) LimitFalseFailovers(n int) error {
	if n < 0 {
		return fmt.Errorf("%d: want 0 or more", n)
	}
	c.MaxFalseFailovers = checkers.AtMost(n)
	return nil
}
