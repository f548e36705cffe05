package plan

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/chaos-election/chaos/nemesis"
)

// namePattern is what a plan name may look like: it becomes a directory
// name.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// LatestLink names the links to the newest run, ROOT/latest and
// ROOT/NAME/latest; no plan or matrix may take it as its name.
const LatestLink = "latest"

// ValidName reports whether name can name a run's or a matrix's directory:
// letters, digits, '.', '_', '-', first a letter or digit, at most 64
// characters, and not [LatestLink].
func ValidName(name string) bool {
	return namePattern.MatchString(name) && name != LatestLink && len(name) <= maxNameLen
}

// Validate checks the plan's values and how they fit together: known
// target, workload and resource, a cluster of 1 to 15 nodes, positive
// durations, fault specs the nemesis can run on this many nodes. Each
// problem is a [PlanError] pointing at the file line or flag that set the
// value; several are returned as [PlanErrors].
func (p Plan) Validate() error {
	var errs planErrs
	p.validate(&errs, nil)
	return errs.err()
}

// validate adds the plan's problems to errs, except those of fields for
// which skip is true (fields that already failed to decode).
func (p Plan) validate(errs *planErrs, skip func(field string) bool) {
	for _, fe := range p.check() {
		if skip != nil && skip(fe.field) {
			continue
		}
		e := &Error{Field: fe.field, Msg: fe.msg}
		if o, ok := p.locate(fe.field); ok {
			e.File, e.Line, e.Flag = o.file, o.line, o.flag
		} else if n, ok := p.src["nodes"]; ok && hasFieldPrefix(fe.field, "nemesis.faults") {
			// A default fault that does not fit the node count set
			// elsewhere: point there too.
			e.Msg += fmt.Sprintf(" (a fault of the default plan; nodes is set by %s)", n)
		}
		errs.add(e)
	}
}

// String is where a value came from: "FILE:LINE" or "--flag".
func (o origin) String() string {
	if o.flag != "" {
		return o.flag
	}
	return fmt.Sprintf("%s:%d", o.file, o.line)
}

// fieldErr is one problem with one field, not yet located.
type fieldErr struct{ field, msg string }

// check lists the problems with the plan's values.
func (p Plan) check() []fieldErr {
	var out []fieldErr
	bad := func(field, format string, args ...any) {
		out = append(out, fieldErr{field, fmt.Sprintf(format, args...)})
	}
	switch {
	case p.Name == "":
		bad("name", "must not be empty")
	case len(p.Name) > maxNameLen:
		bad("name", "longer than %d characters", maxNameLen)
	case !namePattern.MatchString(p.Name):
		bad("name", "%q is not a valid directory name (letters, digits, '.', '_', '-'; first a letter or digit)", p.Name)
	case p.Name == LatestLink:
		bad("name", "%q is reserved for the link to the newest run", p.Name)
	}
	oneOf := func(field, v string, known []string) {
		if !slices.Contains(known, v) {
			bad(field, "unknown %s %q (known: %s)", field, v, strings.Join(known, ", "))
		}
	}
	// In the order of the plan's fields, for errors without lines.
	oneOf("target", p.Target, knownTargets)
	if p.Nodes < 1 || p.Nodes > maxNodes {
		bad("nodes", "must be between 1 and %d, got %d", maxNodes, p.Nodes)
	}
	p.checkExternal(bad)
	oneOf("workload", p.Workload, knownWorkloads)
	oneOf("resource", p.Resource, knownResources)
	if p.Duration <= 0 {
		bad("duration", "must be positive, got %s", FormatDuration(p.Duration))
	}
	nonNegative := func(field string, d time.Duration) {
		if d < 0 {
			bad(field, "must not be negative, got %s", FormatDuration(d))
		}
	}
	nonNegative("recovery", p.Recovery)
	if p.Recipe != "" { // "": a plan from before recipes, the native one
		oneOf("recipe", p.Recipe, knownRecipes)
	}
	p.checkLease(bad)
	p.checkKubernetes(bad)
	tuned := p.checkTuning(bad)
	switch {
	case p.LeaseTTL < minLeaseTTL:
		bad("lease_ttl", "must be at least %s, got %s", FormatDuration(minLeaseTTL), FormatDuration(p.LeaseTTL))
	case p.LeaseRecipe() || p.Target == TargetKubernetes: // the lease duration is the recipe's own (client-go's), not a backend session's
	case p.Target == "etcd" && p.LeaseTTL%time.Second != 0:
		bad("lease_ttl", "etcd leases are whole seconds, got %s", FormatDuration(p.LeaseTTL))
	case tuned && p.Election(): // the candidates' sessions, as the servers' settings grant them
		p.checkSession(bad)
	}
	if p.WriteEvery < minWriteEvery {
		bad("write_every", "must be at least %s, got %s", FormatDuration(minWriteEvery), FormatDuration(p.WriteEvery))
	}
	nonNegative("nemesis.interval", p.Nemesis.Interval)
	for i, f := range p.Nemesis.Faults {
		if p.Nodes < 1 {
			break // reported above; fault checks would only echo it
		}
		if field, err := nemesis.ValidateFault(f, p.Nodes); err != nil {
			name := fmt.Sprintf("nemesis.faults[%d]", i)
			if field != "" {
				name += "." + field
			}
			bad(name, "%v", err)
		} else if need := p.Nemesis.Interval + f.Needs(); f.Duration > 0 && p.Duration > p.Nemesis.Interval && need > p.Duration {
			// The schedule starts a fault only when it can be held and
			// healed before the window ends: this one never would be.
			bad(fmt.Sprintf("nemesis.faults[%d].duration", i), "%s never fits the %s fault window: it starts after nemesis.interval (%s) and needs %s with its start and heal; shorten it or lengthen duration",
				FormatDuration(f.Duration), FormatDuration(p.Duration), FormatDuration(p.Nemesis.Interval), FormatDuration(f.Needs()))
		}
	}
	if len(p.Nemesis.Faults) > 0 && p.Duration > 0 && p.Nemesis.Interval >= 0 && p.Duration <= p.Nemesis.Interval {
		bad("duration", "%s leaves no time for a fault: the schedule waits nemesis.interval (%s) before the first one",
			FormatDuration(p.Duration), FormatDuration(p.Nemesis.Interval))
	}
	if len(p.Nemesis.Faults) == 0 && !p.Checks.AllowNoFaults {
		bad("nemesis.faults", "no faults: the run could only end unknown; list faults, or set checks.allow_no_faults: true for a run without them")
	}
	if p.Target == "consul" {
		if p.Consul.LockDelay < 0 || p.Consul.LockDelay > maxLockDelay {
			bad("consul.lock_delay", "must be between 0s and %s, got %s", FormatDuration(maxLockDelay), FormatDuration(p.Consul.LockDelay))
		}
		oneOf("consul.behavior", p.Consul.Behavior, knownBehaviors)
	}
	if p.RegisterWorkload() {
		if rt, ok := registerTarget(p); ok && p.Register.ReadMode != "" {
			oneOf("register.read_mode", p.Register.ReadMode, rt.ReadModes())
		}
		if p.Register.Keys < 1 || p.Register.Keys > maxKeys {
			bad("register.keys", "must be between 1 and %d, got %d", maxKeys, p.Register.Keys)
		}
		if p.Register.ClientsPerNode < 1 || p.Register.ClientsPerNode > maxClients {
			bad("register.clients_per_node", "must be between 1 and %d, got %d", maxClients, p.Register.ClientsPerNode)
		}
		if p.Register.Every < minWriteEvery {
			bad("register.every", "must be at least %s, got %s", FormatDuration(minWriteEvery), FormatDuration(p.Register.Every))
		}
	}
	if !p.Election() {
		for i, f := range p.Nemesis.Faults {
			switch f.Kind {
			case "client-pause":
				bad(fmt.Sprintf("nemesis.faults[%d].kind", i), "client-pause freezes a candidate: it needs the election workload (workload: election or election+register)")
			case "client-kill":
				bad(fmt.Sprintf("nemesis.faults[%d].kind", i), "client-kill crashes a candidate: it needs the election workload (workload: election or election+register)")
			}
		}
	}
	p.checkClockFaults(bad)
	p.checkNodeClocks(bad)
	nonNegative("checks.linearizable_timeout", p.Checks.LinearizableTimeout)
	if p.Checks.MinOps < 0 {
		bad("checks.min_ops", "must not be negative, got %d", p.Checks.MinOps)
	}
	nonNegative("checks.max_no_leader", p.Checks.MaxNoLeader)
	nonNegative("checks.max_failover", p.Checks.MaxFailover)
	if p.Checks.MaxElectionsPerMinute < 0 {
		bad("checks.max_elections_per_minute", "must not be negative, got %g", p.Checks.MaxElectionsPerMinute)
	}
	if n, ok := p.Checks.MaxFalseFailovers.Max(); ok && n < 0 {
		bad("checks.max_false_failovers", "must not be negative, got %d (leave it out for no limit)", n)
	}
	return out
}
