package nemesis

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chaos-election/chaos/netfault"
)

// Kinds and shapes a plan may name.
var (
	Kinds  = slices.Concat([]string{"partition", "pause", "kill", "client-pause", "client-kill"}, linkKinds, nodeLinkKinds, []string{"flaky"}, clockKinds)
	Shapes = []string{"halves", "isolate-leader", "majority-ring", "bridge", "random"}
)

// ValidateFault checks a fault spec against a cluster of nodes nodes, and
// names the field at fault ("kind", "shape", "victim", "duration",
// "clock", …).
func ValidateFault(f FaultSpec, nodes int) (field string, err error) {
	if !slices.Contains(Kinds, f.Kind) {
		if f.Kind == "" {
			return "kind", fmt.Errorf("missing; one of %s", strings.Join(Kinds, ", "))
		}
		return "kind", fmt.Errorf("unknown fault %q; one of %s", f.Kind, strings.Join(Kinds, ", "))
	}
	if f.Duration <= 0 {
		return "duration", fmt.Errorf("must be positive, got %s", f.Duration)
	}
	if field, err := validateDirection(f); err != nil {
		return field, err
	}
	if IsNodeLinkFault(f.Kind) || f.Kind == "flaky" {
		return validateNodeLink(f, nodes)
	}
	if f.Period != 0 {
		return "period", fmt.Errorf("only flaky has a period, not %s", f.Kind)
	}
	if f.Kind == "partition" {
		if !slices.Contains(Shapes, f.Shape) {
			if f.Shape == "" {
				return "shape", fmt.Errorf("a partition needs a shape: one of %s", strings.Join(Shapes, ", "))
			}
			return "shape", fmt.Errorf("unknown shape %q; one of %s", f.Shape, strings.Join(Shapes, ", "))
		}
		if f.Victim != "" {
			return "victim", errors.New("a partition takes a shape, not a victim")
		}
		if nodes < 3 {
			return "kind", fmt.Errorf("a partition needs at least 3 nodes to split into a majority and a minority, the plan has %d", nodes)
		}
		return "", nil
	}
	if f.Shape != "" {
		return "shape", fmt.Errorf("only partitions have a shape, not %s", f.Kind)
	}
	if field, err := validateSettings(f); err != nil {
		return field, err
	}
	if f.Victim == VictimAPIServer {
		if f.Kind != "pause" && f.Kind != "kill" {
			return "victim", fmt.Errorf("victim %s (one of target kubernetes's API servers) takes a pause or a kill, not a %s", VictimAPIServer, f.Kind)
		}
		return "", nil
	}
	if f.Victim == "" || slices.Contains(roles, f.Victim) {
		if f.Kind == "client-pause" && (f.Victim == "minority" || f.Victim == "majority") {
			return "victim", errors.New("a client pause freezes one candidate: leader, random or a node name")
		}
		if f.Kind == "client-kill" && (f.Victim == "minority" || f.Victim == "majority") {
			return "victim", errors.New("a client kill crashes one candidate: leader, random or a node name")
		}
		if IsClockFault(f.Kind) && !f.NodeClock() && (f.Victim == "minority" || f.Victim == "majority") {
			return "victim", fmt.Errorf("a %s reaches one candidate's clock: leader, random or a node name", f.Kind)
		}
		return "", nil
	}
	return validateVictimNode(f.Victim, nodes)
}

// validateLink checks the link settings: delay and jitter only for
// client-delay and link-delay (which need a delay), loss only for
// client-loss (which needs one in (0, 1]) and link-loss (in (0, 1)), a
// bandwidth only for link-rate (which needs one).
func validateLink(f FaultSpec) (field string, err error) {
	delays := f.Kind == "client-delay" || f.Kind == "link-delay"
	loses := f.Kind == "client-loss" || f.Kind == "link-loss"
	switch {
	case f.Delay < 0:
		return "delay", fmt.Errorf("must not be negative, got %s", f.Delay)
	case f.Jitter < 0:
		return "jitter", fmt.Errorf("must not be negative, got %s", f.Jitter)
	case !delays && f.Delay != 0:
		return "delay", fmt.Errorf("only client-delay and link-delay have a delay, not %s", f.Kind)
	case !delays && f.Jitter != 0:
		return "jitter", fmt.Errorf("only client-delay and link-delay have a jitter, not %s", f.Kind)
	case !loses && f.Loss != 0:
		return "loss", fmt.Errorf("only client-loss and link-loss have a loss, not %s", f.Kind)
	case delays && f.Delay == 0:
		return "delay", fmt.Errorf("a %s needs a delay, e.g. delay: 200ms", f.Kind)
	case f.Kind == "client-loss" && (f.Loss <= 0 || f.Loss > 1):
		return "loss", fmt.Errorf("a client-loss needs a loss in (0, 1], the probability a chunk is lost; got %g", f.Loss)
	case f.Kind == "link-loss" && (f.Loss <= 0 || f.Loss >= 1):
		return "loss", fmt.Errorf("a link-loss needs a loss in (0, 1), the probability a packet is dropped (a cut is a partition); got %g", f.Loss)
	case f.Kind != "link-rate" && f.Bandwidth != 0:
		return "bandwidth", fmt.Errorf("only link-rate has a bandwidth, not %s", f.Kind)
	case f.Kind == "link-rate" && f.Bandwidth == 0:
		return "bandwidth", errors.New("a link-rate needs a bandwidth, what each link lets through each way: e.g. bandwidth: 1mbit")
	case f.Kind == "link-rate" && (f.Bandwidth < netfault.MinRate || f.Bandwidth > netfault.MaxRate):
		return "bandwidth", fmt.Errorf("must be between %s and %s, got %s",
			netfault.FormatRate(netfault.MinRate), netfault.FormatRate(netfault.MaxRate), netfault.FormatRate(f.Bandwidth))
	}
	return "", nil
}

// validateSettings checks the settings only some kinds have: a link's
// delay, jitter and loss, a clock fault's offset, rate and clock.
func validateSettings(f FaultSpec) (field string, err error) {
	for _, check := range []func(FaultSpec) (string, error){validateLink, validateClock, validateClockOf} {
		if field, err := check(f); err != nil {
			return field, err
		}
	}
	return "", nil
}

// validateDirection checks direction: both or one-way, only for the
// faults that cut or shape the links between nodes, one-way only with a
// shape that splits the nodes into groups.
func validateDirection(f FaultSpec) (field string, err error) {
	switch f.Direction {
	case "", DirectionBoth:
		return "", nil
	case DirectionOneWay:
	default:
		return "direction", fmt.Errorf("unknown direction %q: %s or %s", f.Direction, DirectionBoth, DirectionOneWay)
	}
	if f.Kind != "partition" && !IsNodeLinkFault(f.Kind) && f.Kind != "flaky" {
		return "direction", fmt.Errorf("only partitions and the faults on the links between nodes (%s, flaky) have a direction, not %s",
			strings.Join(nodeLinkKinds, ", "), f.Kind)
	}
	if f.Kind == "partition" && !slices.Contains(groupShapes, f.Shape) {
		return "direction", fmt.Errorf("a one-way partition takes a shape that splits the nodes into groups (%s), not %q",
			strings.Join(groupShapes, ", "), f.Shape)
	}
	return "", nil
}

// minPeriod is the shortest period a flaky link may flap at: a change of
// the links takes milliseconds through the network agents.
const minPeriod = 100 * time.Millisecond

// validateNodeLink checks a fault on the links between nodes (link-loss,
// link-delay, flaky): a shape that splits the nodes into groups, or a
// victim (its links to all the others), its settings, and a flaky link's
// period.
func validateNodeLink(f FaultSpec, nodes int) (field string, err error) {
	switch {
	case f.Shape != "" && f.Victim != "":
		return "victim", fmt.Errorf("a %s takes a shape or a victim, not both", f.Kind)
	case f.Shape != "" && !slices.Contains(groupShapes, f.Shape):
		return "shape", fmt.Errorf("unknown shape %q for the links between nodes; one of %s (or a victim: its links to all the others)",
			f.Shape, strings.Join(groupShapes, ", "))
	case nodes < 2:
		return "kind", fmt.Errorf("a %s needs at least 2 nodes, the plan has %d", f.Kind, nodes)
	}
	if field, err := validateSettings(f); err != nil {
		return field, err
	}
	switch {
	case f.Kind != "flaky" && f.Period != 0:
		return "period", fmt.Errorf("only flaky has a period, not %s", f.Kind)
	case f.Kind == "flaky" && f.Period == 0:
		return "period", errors.New("a flaky link needs a period, how long it stays cut, then healed: e.g. period: 500ms")
	case f.Kind == "flaky" && f.Period < minPeriod:
		return "period", fmt.Errorf("at least %s, got %s", minPeriod, f.Period)
	case f.Kind == "flaky" && f.Period >= f.Duration:
		return "period", fmt.Errorf("a flaky link flaps within its duration: the period %s must be shorter than the duration %s", f.Period, f.Duration)
	}
	if f.Victim == "" || slices.Contains(roles, f.Victim) {
		return "", nil
	}
	return validateVictimNode(f.Victim, nodes)
}

// validateVictimNode checks that victim names one of the nodes n1..nN.
func validateVictimNode(victim string, nodes int) (field string, err error) {
	if k, ok := strings.CutPrefix(victim, "n"); ok {
		if i, err := strconv.Atoi(k); err == nil && i >= 1 && i <= nodes {
			return "", nil
		}
	}
	return "victim", fmt.Errorf("unknown victim %q: one of %s, or a node n1..n%d", victim, strings.Join(roles, ", "), nodes)
}
