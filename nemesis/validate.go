package nemesis

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kinds and shapes a plan may name.
var (
	Kinds  = slices.Concat([]string{"partition", "pause", "kill", "client-pause"}, linkKinds, clockKinds)
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
	if field, err := validateLink(f); err != nil {
		return field, err
	}
	if field, err := validateClock(f); err != nil {
		return field, err
	}
	if field, err := validateClockOf(f); err != nil {
		return field, err
	}
	if f.Victim == "" || slices.Contains(roles, f.Victim) {
		if f.Kind == "client-pause" && (f.Victim == "minority" || f.Victim == "majority") {
			return "victim", errors.New("a client pause freezes one candidate: leader, random or a node name")
		}
		if IsClockFault(f.Kind) && !f.NodeClock() && (f.Victim == "minority" || f.Victim == "majority") {
			return "victim", fmt.Errorf("a %s reaches one candidate's clock: leader, random or a node name", f.Kind)
		}
		return "", nil
	}
	if k, ok := strings.CutPrefix(f.Victim, "n"); ok {
		if i, err := strconv.Atoi(k); err == nil && i >= 1 && i <= nodes {
			return "", nil
		}
	}
	return "victim", fmt.Errorf("unknown victim %q: one of %s, or a node n1..n%d", f.Victim, strings.Join(roles, ", "), nodes)
}

// validateLink checks the link settings: delay and jitter only for
// client-delay (which needs a delay), loss only for client-loss (which
// needs one in (0, 1]).
func validateLink(f FaultSpec) (field string, err error) {
	switch {
	case f.Delay < 0:
		return "delay", fmt.Errorf("must not be negative, got %s", f.Delay)
	case f.Jitter < 0:
		return "jitter", fmt.Errorf("must not be negative, got %s", f.Jitter)
	case f.Kind != "client-delay" && f.Delay != 0:
		return "delay", fmt.Errorf("only client-delay has a delay, not %s", f.Kind)
	case f.Kind != "client-delay" && f.Jitter != 0:
		return "jitter", fmt.Errorf("only client-delay has a jitter, not %s", f.Kind)
	case f.Kind != "client-loss" && f.Loss != 0:
		return "loss", fmt.Errorf("only client-loss has a loss, not %s", f.Kind)
	case f.Kind == "client-delay" && f.Delay == 0:
		return "delay", errors.New("a client-delay needs a delay, e.g. delay: 200ms")
	case f.Kind == "client-loss" && (f.Loss <= 0 || f.Loss > 1):
		return "loss", fmt.Errorf("a client-loss needs a loss in (0, 1], the probability a chunk is lost; got %g", f.Loss)
	}
	return "", nil
}
