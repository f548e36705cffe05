package gen

import (
	"math/rand/v2"
	"time"

	"github.com/chaos-election/chaos/history"
)

// Config shapes a generated history.
type Config struct {
	Nodes    int  // candidates; 0 picks 3 to 5
	Epochs   int  // leaderships; 0 picks 10 to 30
	NoFaults bool // no nemesis ops at all
	// Writes is the most writes a leader makes per leadership; 0 means 5.
	Writes int
}

// Kinds of anomaly [Planted] can plant.
const (
	SplitBrain         = "split-brain"          // a deposed leader's write accepted after the new leader's: also stale-write-accepted
	TokenReused        = "token-reused"         // a grant repeats the previous grant's token
	TokenNotIncreasing = "token-not-increasing" // a grant below the previous one
	LongNoLeader       = "long-no-leader"       // a 10 s window without a leader (limit-exceeded with a 5 s limit)
	NoFaults           = "no-faults"            // no nemesis fault at all
	TooFewOps          = "too-few-ops"          // a fault but only 3 completed client ops
	UngrantedWrite     = "write-without-grant"  // a process that never campaigned writes with the leader's token, accepted
)

// Kinds lists every plantable kind whose proof is one fatal anomaly.
var Kinds = []string{SplitBrain, TokenReused, TokenNotIncreasing, LongNoLeader, NoFaults, TooFewOps, UngrantedWrite}

// Election generates a valid election history.
func Election(rng *rand.Rand, cfg Config) []history.Op {
	ops, _ := generate(rng, cfg, "")
	return ops
}

// Planted generates a history that is valid but for one anomaly of kind,
// and returns the indices of the ops that prove it.
func Planted(rng *rand.Rand, cfg Config, kind string) ([]history.Op, []int64) {
	switch kind {
	case NoFaults:
		cfg.NoFaults = true
		return generate(rng, cfg, "")
	case TooFewOps:
		return tooFew(rng)
	}
	return generate(rng, cfg, kind)
}

func generate(rng *rand.Rand, cfg Config, plant string) ([]history.Op, []int64) {
	n, epochs, maxWrites := cfg.Nodes, cfg.Epochs, cfg.Writes
	if n == 0 {
		n = 3 + rng.IntN(3)
	}
	if epochs == 0 {
		epochs = 10 + rng.IntN(21)
	}
	if maxWrites == 0 {
		maxWrites = 5
	}
	b := &builder{rng: rng}
	c := newCluster(b, n)
	c.campaignAll(2 * time.Millisecond)
	c.token = 1 + rng.Uint64N(10)
	plantAt := 1 + rng.IntN(max(1, epochs-2))
	var planted []int64
	leader, oldTok := "", uint64(0) // a leader still open from the last epoch
	lastGrant, lastEnd := int64(-1), int64(-1)
	var healFault func() int64
	for e := 0; e < epochs; e++ {
		b.advance(300 * time.Millisecond)
		if plant == LongNoLeader && e == plantAt {
			if leader != "" {
				lastEnd = c.lost(leader, oldTok)
				c.campaign(leader)
				leader = ""
			}
			b.t += 10 * time.Second
		}
		next := c.nodes[rng.IntN(n)]
		for next == leader {
			next = c.nodes[rng.IntN(n)]
		}
		tok := c.token + 2 + rng.Uint64N(3)
		switch {
		case plant == TokenReused && e == plantAt && lastGrant >= 0 && leader == "":
			tok = c.token
		case plant == TokenNotIncreasing && e == plantAt && lastGrant >= 0:
			tok = c.token - 1
		}
		gi := c.grant(next, tok)
		switch {
		case plant == TokenReused && e == plantAt && lastGrant >= 0 && leader == "",
			plant == TokenNotIncreasing && e == plantAt && lastGrant >= 0:
			planted = []int64{lastGrant, gi}
		case plant == LongNoLeader && e == plantAt:
			planted = []int64{lastEnd, gi}
		case (plant == TokenReused || plant == TokenNotIncreasing) && e == plantAt:
			plantAt++ // the first epoch, or one still overlapping: plant in the next
		}
		c.token = max(c.token, tok)
		lastGrant = gi
		for w := 1 + rng.IntN(maxWrites); w > 0; w-- {
			b.advance(50 * time.Millisecond)
			c.write(next, tok, "")
		}
		if leader != "" { // the deposed leader acts once more, then learns it lost
			b.advance(20 * time.Millisecond)
			if plant == SplitBrain && planted == nil {
				inv, done := c.write(leader, oldTok, history.OK)
				planted = []int64{inv, done}
			} else if rng.IntN(2) == 0 {
				c.write(leader, oldTok, "")
			}
			if c.busyLeader(leader) {
				lastEnd = c.lost(leader, oldTok)
				c.campaign(leader)
			}
			leader = ""
		}
		if plant == UngrantedWrite && planted == nil {
			// A process that never campaigned writes with the leader's
			// token, and the resource accepts it.
			b.advance(20 * time.Millisecond)
			inv, done := c.writeAs("n0", "n0", tok, history.OK)
			planted = []int64{gi, inv, done}
		}
		if !cfg.NoFaults {
			if healFault != nil {
				healFault()
				healFault = nil
			} else if e == 0 || rng.IntN(3) == 0 {
				healFault, _ = c.fault(c.nodes)
			}
		}
		c.failOne(next)
		b.advance(50 * time.Millisecond)
		switch r := rng.IntN(10); {
		case r < 3 && e+1 < epochs && !(plant == SplitBrain && planted == nil && e+1 == epochs-1):
			leader, oldTok = next, tok // still leading when the next one is granted
			continue
		case r < 3, r < 6:
			lastEnd = c.lost(next, tok)
		case r < 8:
			c.resign(next, tok)
			lastEnd = int64(len(b.ops) - 1)
		default:
			_, lastEnd = c.write(next, tok, history.Info)
		}
		c.campaign(next)
		if plant == SplitBrain && planted == nil && e == epochs-2 {
			// Make sure an overlap happens before the end.
			leader, oldTok = "", 0
		}
	}
	if plant == SplitBrain && planted == nil {
		return generate(rng, cfg, plant)
	}
	if plant != "" && planted == nil {
		return generate(rng, cfg, plant)
	}
	return b.ops, planted
}

// busyLeader reports whether node's process is still the one that led
// (it did not retire on an info).
func (c *cluster) busyLeader(node string) bool { return !c.busy[c.proc[node]] }

// failOne fails the outstanding campaign of one non-leader at random, and
// makes it campaign again.
func (c *cluster) failOne(leader string) {
	if c.b.rng.IntN(4) != 0 {
		return
	}
	node := c.nodes[c.b.rng.IntN(len(c.nodes))]
	p := c.proc[node]
	if node == leader || !c.busy[p] {
		return
	}
	c.b.op(p, node, history.Fail, history.FCampaign, nil, "election timed out")
	c.busy[p] = false
	c.campaign(node)
}

// tooFew is a history with a fault but only three completed client ops.
func tooFew(rng *rand.Rand) ([]history.Op, []int64) {
	b := &builder{rng: rng}
	c := newCluster(b, 3)
	c.campaign("n1")
	b.advance(time.Millisecond)
	c.grant("n1", 3)
	c.fault([]string{"n2"})
	c.write("n1", 3, "")
	c.write("n1", 3, "")
	return b.ops, nil
}
