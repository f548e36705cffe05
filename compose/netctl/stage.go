package netctl

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/chaos-election/chaos/netfault"
)

// Unshaped is the agent's default stage after nftables ([Agent.Stage]),
// an agent started without its peers (no [DelayStage]): it applies
// nothing and refuses the effects a delay stage would apply — delay,
// jitter and rate — naming them and the peers they are on.
func Unshaped(r NodeRules) error {
	var refused []string
	for _, dir := range []struct {
		name  string
		peers map[netip.Addr]netfault.Effect
	}{{"into from", r.Into}, {"out of to", r.OutOf}} {
		for _, a := range sortedAddrs(dir.peers) {
			e := dir.peers[a]
			if e.Delays() {
				refused = append(refused, fmt.Sprintf("delay: this agent was started without a delay stage (%s %s: %s)", dir.name, a, e))
			}
			if e.Rate > 0 {
				refused = append(refused, fmt.Sprintf("rate: this agent was started without a delay stage (%s %s: %s)", dir.name, a, e))
			}
		}
	}
	if len(refused) > 0 {
		return fmt.Errorf("%s", strings.Join(refused, "; "))
	}
	return nil
}

func sortedAddrs[V any](m map[netip.Addr]V) []netip.Addr {
	out := make([]netip.Addr, 0, len(m))
	for a := range m {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b netip.Addr) int { return a.Compare(b) })
	return out
}
