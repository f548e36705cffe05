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
	Kinds  = []string{"partition", "pause", "kill", "client-pause"}
	Shapes = []string{"halves", "isolate-leader", "majority-ring", "bridge", "random"}
)

// ValidateFault checks a fault spec against a cluster of nodes nodes, and
// names the field at fault ("kind", "shape", "victim", "duration").
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
	if f.Victim == "" || slices.Contains(roles, f.Victim) {
		if f.Kind == "client-pause" && (f.Victim == "minority" || f.Victim == "majority") {
			return "victim", errors.New("a client pause freezes one candidate: leader, random or a node name")
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
