package gen

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/chaos-election/chaos/history"
)

// FalseFailover is a history in which one leadership change comes while a
// fault is in effect. When removing is false the fault only degrades the
// links between nodes (link-delay, link-loss, flaky, or a one-way
// partition that cuts what the leader hears, not what it sends), and
// other faults hit only followers: the change is a false failover, proven
// by the ops returned (the old leader's grant, its end unless the new
// leader took over while it still led, and the new grant). When removing
// is true the fault kills, pauses or isolates the leader's node, and the
// same change is a failover: proof is nil.
func FalseFailover(rng *rand.Rand, removing bool) (ops []history.Op, proof []int64) {
	b := &builder{rng: rng}
	c := newCluster(b, 3+rng.IntN(3))
	c.campaignAll(5 * time.Millisecond)
	lead := c.nodes[rng.IntN(len(c.nodes))]
	followers := slices.DeleteFunc(slices.Clone(c.nodes), func(n string) bool { return n == lead })
	token := 1 + rng.Uint64N(100)
	grant := c.grant(lead, token)
	for k := 8 + rng.IntN(5); k > 0; k-- {
		b.advance(100 * time.Millisecond)
		c.write(lead, token, "")
	}
	if rng.IntN(2) == 0 { // a follower's fault, in effect throughout: it explains nothing
		c.fault(followers)
	}
	b.advance(100 * time.Millisecond)
	if removing {
		removingFault(b, lead, c.nodes)
	} else {
		linkFault(b, lead, followers)
	}
	for k := 1 + rng.IntN(3); k > 0; k-- {
		b.advance(200 * time.Millisecond)
		c.write(lead, token, "")
	}
	b.advance(500 * time.Millisecond)
	next := followers[rng.IntN(len(followers))]
	newToken := token + 1 + rng.Uint64N(5)
	switch rng.IntN(3) {
	case 0: // the old leader learns it lost, then the new one is granted
		end := c.lost(lead, token)
		b.advance(time.Second)
		proof = []int64{grant, end, c.grant(next, newToken)}
	case 1: // its write ends unknown: it retires
		_, end := c.write(lead, token, history.Info)
		b.advance(time.Second)
		proof = []int64{grant, end, c.grant(next, newToken)}
	default: // the new one is granted while the old one still leads
		g := c.grant(next, newToken)
		b.advance(100 * time.Millisecond)
		c.lost(lead, token)
		proof = []int64{grant, g}
	}
	for k := 2 + rng.IntN(3); k > 0; k-- {
		b.advance(100 * time.Millisecond)
		c.write(next, newToken, "")
	}
	if removing {
		proof = nil
	}
	return b.ops, proof
}

// linkFault starts a fault on the links between the leader's node and the
// others that hits no leader, never healed.
func linkFault(b *builder, lead string, others []string) {
	groups := [][]string{{lead}, sorted(others)}
	grudge := map[string][]string{}
	for _, o := range others {
		grudge[o] = []string{lead}
	}
	hears := map[string][]string{lead: sorted(others)} // the leader drops what the others send
	var f history.Fault
	switch b.rng.IntN(4) {
	case 0:
		f = history.Fault{Kind: "link-delay", Shape: "isolate-leader", Groups: groups, Delay: "300ms"}
	case 1:
		f = history.Fault{Kind: "link-loss", Victim: "leader", Nodes: []string{lead}, Loss: 0.4}
	case 2:
		f = history.Fault{Kind: "flaky", Shape: "isolate-leader", Groups: groups, Grudge: grudge}
	default:
		// One-way: what the others send is dropped (the history records
		// its direction too; the grudge says it all).
		f = history.Fault{Kind: "partition", Shape: "halves", Groups: [][]string{sorted(others), {lead}}, Grudge: hears}
	}
	b.op(history.Nemesis, "", history.Info, history.FFaultStart, f, "")
}

// removingFault starts a fault that hits the leader, never healed.
func removingFault(b *builder, lead string, nodes []string) {
	var f history.Fault
	switch b.rng.IntN(3) {
	case 0:
		f = history.Fault{Kind: "kill", Victim: "leader", Nodes: []string{lead}}
	case 1:
		f = history.Fault{Kind: "pause", Victim: "leader", Nodes: []string{lead}}
	default:
		others := slices.DeleteFunc(slices.Clone(nodes), func(n string) bool { return n == lead })
		f = history.Fault{Kind: "partition", Shape: "isolate-leader", Groups: [][]string{{lead}, sorted(others)}}
	}
	b.op(history.Nemesis, "", history.Info, history.FFaultStart, f, "")
}
