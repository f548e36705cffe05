package nemesis

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Roles a fault can name instead of a node.
var roles = []string{"leader", "follower", "minority", "majority", "random"}

// victims resolves a role or node name to nodes; leader says who leads
// (nil: nobody known). fallback is true when the role was "leader" and
// there was none, so a random node was taken.
func victims(rng *rand.Rand, env Env, leader func() (string, bool), victim string) (nodes []string, fallback bool, err error) {
	all := sorted(env.Cluster.Names())
	if leader == nil {
		leader = func() (string, bool) { return "", false }
	}
	switch victim {
	case "leader":
		if l, ok := leader(); ok && slices.Contains(all, l) {
			return []string{l}, false, nil
		}
		return []string{all[rng.IntN(len(all))]}, true, nil
	case "follower": // a node other than the leader's; any node when none leads
		others := all
		if l, ok := leader(); ok {
			others = slices.DeleteFunc(slices.Clone(all), func(n string) bool { return n == l })
		}
		if len(others) == 0 {
			others = all
		}
		return []string{others[rng.IntN(len(others))]}, false, nil
	case "random", "":
		return []string{all[rng.IntN(len(all))]}, false, nil
	case "minority":
		return sorted(shuffled(rng, all)[:max(1, (len(all)-1)/2)]), false, nil
	case "majority":
		return sorted(shuffled(rng, all)[:len(all)/2+1]), false, nil
	}
	if slices.Contains(all, victim) {
		return []string{victim}, false, nil
	}
	return nil, false, fmt.Errorf("no node %q (nodes: %v)", victim, all)
}
