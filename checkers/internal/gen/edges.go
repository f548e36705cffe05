package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/chaos-election/chaos/history"
)

// The histories below prove the liveness checker's edges, each from a seed
// with the ops that must be found.

// NoGrant is a history in which every campaign fails for the whole run
// (more than 6 s) while a fault is in effect: no leader ever. The first
// campaign invoke is op 0.
func NoGrant(rng *rand.Rand) []history.Op {
	b := &builder{rng: rng}
	c := newCluster(b, 3+rng.IntN(3))
	c.campaignAll(5 * time.Millisecond)
	heal, _ := c.fault(c.nodes)
	for b.t < 6*time.Second+time.Duration(rng.Int64N(int64(10*time.Second))) {
		b.advance(300 * time.Millisecond)
		node := c.nodes[rng.IntN(len(c.nodes))]
		p := c.proc[node]
		if rng.IntN(4) == 0 {
			b.op(p, node, history.Info, history.FCampaign, nil, "timeout")
			c.busy[p] = false
			c.retire(node)
		} else {
			b.op(p, node, history.Fail, history.FCampaign, nil, "no quorum")
			c.busy[p] = false
		}
		c.campaign(node)
	}
	heal()
	return b.ops
}

// Survived is a history in which a fault hits the leader (its node paused
// or killed, or its process frozen) and the leader keeps leading through
// it and past its heal; the next grant comes long after. Other faults hit
// only followers. It returns the fault-start and fault-heal ops of the
// survived fault, and the leader's process and token.
func Survived(rng *rand.Rand) (ops []history.Op, start, heal int64, leader string, token uint64) {
	b := &builder{rng: rng}
	c := newCluster(b, 3+rng.IntN(3))
	c.campaignAll(5 * time.Millisecond)
	lead := c.nodes[rng.IntN(len(c.nodes))]
	token = 1 + rng.Uint64N(100)
	c.grant(lead, token)
	followers := slices.DeleteFunc(slices.Clone(c.nodes), func(n string) bool { return n == lead })
	writes := func(k int) {
		for ; k > 0; k-- {
			b.advance(200 * time.Millisecond)
			c.write(lead, token, history.OK)
		}
	}
	writes(10 + rng.IntN(5))
	if rng.IntN(2) == 0 { // a follower's fault first: it misses the leader
		h, _ := c.fault(followers)
		writes(1 + rng.IntN(3))
		h()
	}
	b.advance(100 * time.Millisecond)
	leader = c.proc[lead]
	switch rng.IntN(3) {
	case 0:
		start = b.op(history.Nemesis, lead, history.Info, history.FFaultStart, history.Fault{Kind: "pause", Victim: "leader", Nodes: []string{lead}}, "")
		writes(1 + rng.IntN(5))
		heal = b.op(history.Nemesis, lead, history.Info, history.FFaultHeal, history.Fault{Kind: "pause", Nodes: []string{lead}}, "")
	case 1:
		start = b.op(history.Nemesis, lead, history.Info, history.FFaultStart, history.Fault{Kind: "kill", Victim: "leader", Nodes: []string{lead}}, "")
		writes(1 + rng.IntN(5))
		heal = b.op(history.Nemesis, lead, history.Info, history.FFaultHeal, history.Fault{Kind: "kill", Nodes: []string{lead}}, "")
	default:
		start = b.op(history.Nemesis, "", history.Info, history.FFaultStart, history.Fault{Kind: "client-pause", Victim: "leader", Process: leader, For: "2s"}, "")
		b.advance(2 * time.Second)
		heal = b.op(history.Nemesis, "", history.Info, history.FFaultHeal, history.Fault{Kind: "client-pause", Process: leader}, "")
		writes(1)
	}
	writes(2 + rng.IntN(5))
	b.t += 30 * time.Second // long after: the old rule timed a failover to here
	if rng.IntN(2) == 0 {
		c.resign(lead, token)
	} else {
		c.lost(lead, token)
	}
	c.campaign(lead)
	b.advance(time.Second)
	next := followers[rng.IntN(len(followers))]
	c.grant(next, token+1+rng.Uint64N(5))
	return b.ops, start, heal, leader, token
}

// EvenSplit is a history of 4 or 6 candidates cut into two equal halves,
// the leader in either: no side has a majority, the leader learns it lost
// while the partition is in effect, and a new leader is granted only after
// the heal. It returns the partition's op, the lost and the next grant.
func EvenSplit(rng *rand.Rand) (ops []history.Op, start, lost, grant int64) {
	b := &builder{rng: rng}
	c := newCluster(b, 4+2*rng.IntN(2))
	c.campaignAll(5 * time.Millisecond)
	lead := c.nodes[rng.IntN(len(c.nodes))]
	token := 1 + rng.Uint64N(100)
	c.grant(lead, token)
	for k := 10 + rng.IntN(8); k > 0; k-- {
		b.advance(100 * time.Millisecond)
		c.write(lead, token, "")
	}
	nodes := slices.Clone(c.nodes)
	rng.Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
	half := len(nodes) / 2
	groups := [][]string{sorted(nodes[:half]), sorted(nodes[half:])}
	b.advance(100 * time.Millisecond)
	start = b.op(history.Nemesis, "", history.Info, history.FFaultStart, history.Fault{Kind: "partition", Shape: "halves", Groups: groups}, "")
	b.advance(3 * time.Second)
	lost = c.lost(lead, token)
	c.campaign(lead)
	b.advance(5 * time.Second)
	b.op(history.Nemesis, "", history.Info, history.FFaultHeal, history.Fault{Kind: "partition", Shape: "halves"}, "")
	b.advance(2 * time.Second)
	next := c.nodes[rng.IntN(len(c.nodes))]
	newToken := token + 1 + rng.Uint64N(5)
	grant = c.grant(next, newToken)
	for k := 1 + rng.IntN(3); k > 0; k-- {
		b.advance(100 * time.Millisecond)
		c.write(next, newToken, "")
	}
	return b.ops, start, lost, grant
}

// StringToken is a valid election history but for one campaign grant
// whose token is written as a JSON string: the reader must reject it at
// the returned 1-based line, field "value.token".
func StringToken(rng *rand.Rand) (ops []history.Op, line int) {
	ops = Election(rng, Config{})
	var grants []int
	for i, op := range ops {
		if op.F == history.FCampaign && op.Type == history.OK {
			grants = append(grants, i)
		}
	}
	i := grants[rng.IntN(len(grants))]
	f, _ := ops[i].Fields()
	ops[i].Value = history.MustValue(map[string]any{"token": fmt.Sprint(*f.Token)})
	return ops, i + 1
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
