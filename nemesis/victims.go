package nemesis

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Roles a fault can name instead of a node.
var roles = []string{"leader", "follower", "minority", "majority", "random"}

// VictimAPIServer is the victim of a pause or kill of one of target
// kubernetes's API servers (not nodes: they front the etcd members), drawn
// at random among them.
const VictimAPIServer = "apiserver"

// APIServers is a cluster with API servers in front of its nodes
// (compose.Cluster of target kubernetes), an optional capability: their
// names, which Pause, Unpause, Kill and Start also take.
type APIServers interface {
	APIServerNames() []string
}

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
	case VictimAPIServer:
		as, ok := env.Cluster.(APIServers)
		if !ok || len(as.APIServerNames()) == 0 {
			return nil, false, fmt.Errorf("victim %s: this cluster has no API servers (target kubernetes has)", VictimAPIServer)
		}
		names := as.APIServerNames()
		return []string{names[rng.IntN(len(names))]}, false, nil
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
