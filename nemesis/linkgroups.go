package nemesis

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/netfault"
)

// Directions a partition or a fault on the links between nodes takes.
const (
	DirectionBoth   = "both"
	DirectionOneWay = "one-way"
)

// OneWay says whether f acts only on what its first group sends.
func (f FaultSpec) OneWay() bool { return f.Direction == DirectionOneWay }

// groupShapes are the shapes that split the nodes into groups, which the
// faults on the links between nodes and one-way partitions take.
var groupShapes = []string{"halves", "isolate-leader", "random"}

// linkGroups splits the nodes as a fault on the links between nodes says,
// by shape or victim, into v (Groups, or Nodes for a victim): groups[0] is
// the side a one-way fault acts from (the leader of isolate-leader, the
// victims).
func linkGroups(rng *rand.Rand, env Env, shape, victim string, v *history.Fault) ([][]string, error) {
	nodes := sorted(env.Cluster.Names())
	switch shape {
	case "halves":
		v.Groups = halves(rng, nodes)
	case "random":
		v.Groups = randomGroups(rng, nodes)
	case "isolate-leader":
		var lv history.Fault
		if err := chooseVictims(rng, env, "leader", &lv); err != nil {
			return nil, err
		}
		v.Fallback = lv.Fallback
		v.Groups = isolate(lv.Nodes[0], nodes)
	case "":
		if err := chooseVictims(rng, env, victim, v); err != nil {
			return nil, err
		}
		rest := slices.DeleteFunc(slices.Clone(nodes), func(n string) bool { return slices.Contains(v.Nodes, n) })
		if len(rest) == 0 {
			return nil, failed("", "choose its victim", errors.New("the victims are every node: no link left between them and the others"))
		}
		return [][]string{v.Nodes, rest}, nil
	default:
		return nil, failed("", "choose its shape", fmt.Errorf("unknown shape %q for links between nodes", shape))
	}
	return v.Groups, nil
}

// linkFaultName names a fault on the links between nodes by its shape
// or victim: "link-delay(isolate-leader)", "flaky(n1)".
func linkFaultName(spec FaultSpec) string {
	return spec.Kind + "(" + cmp.Or(spec.Shape, spec.Victim, "random") + ")"
}

// groupsShape is e on the links between groups: every pair of groups both
// ways, or only from groups[0] to the others when oneWay.
func groupsShape(groups [][]string, e netfault.Effect, oneWay bool) netfault.Shape {
	s := netfault.Shape{}
	for i := range groups {
		for j := i + 1; j < len(groups); j++ {
			if oneWay && i != 0 {
				continue
			}
			for l, x := range netfault.Between(groups[i], groups[j], e, oneWay) {
				s[l] = x
			}
		}
	}
	return s
}
