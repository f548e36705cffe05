package gen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/chaos-election/chaos/history"
)

// builder appends ops with increasing index and time.
type builder struct {
	ops []history.Op
	t   time.Duration
	rng *rand.Rand
}

func (b *builder) advance(max time.Duration) {
	b.t += time.Duration(1 + b.rng.Int64N(int64(max)))
}

func (b *builder) op(process, node string, typ history.Type, f string, value any, errText string) int64 {
	idx := int64(len(b.ops))
	b.ops = append(b.ops, history.Op{Index: idx, Time: b.t, Process: process, Node: node, Type: typ, F: f,
		Value: history.MustValue(value), Err: errText})
	return idx
}

// cluster tracks the candidates of the simulated run.
type cluster struct {
	b       *builder
	nodes   []string
	proc    map[string]string // node -> current process id
	gen     map[string]int    // node -> generation of its process id
	busy    map[string]bool   // process -> has a campaign outstanding
	token   uint64
	seq     int64
	highest uint64 // highest token the resource accepted
}

func newCluster(b *builder, n int) *cluster {
	c := &cluster{b: b, proc: map[string]string{}, gen: map[string]int{}, busy: map[string]bool{}}
	for i := 1; i <= n; i++ {
		node := fmt.Sprintf("n%d", i)
		c.nodes = append(c.nodes, node)
		c.proc[node], c.gen[node] = node, 1
	}
	return c
}

// campaign makes node's process invoke a campaign if it has none pending.
func (c *cluster) campaign(node string) {
	p := c.proc[node]
	if !c.busy[p] {
		c.b.op(p, node, history.Invoke, history.FCampaign, map[string]any{}, "")
		c.busy[p] = true
	}
}

// campaignAll starts every node's campaign, step apart.
func (c *cluster) campaignAll(step time.Duration) {
	for _, node := range c.nodes {
		c.campaign(node)
		c.b.advance(step)
	}
}

// grant completes node's campaign with token.
func (c *cluster) grant(node string, token uint64) int64 {
	c.campaign(node)
	p := c.proc[node]
	c.busy[p] = false
	idx := c.b.op(p, node, history.OK, history.FCampaign, history.Campaign{Token: token}, "")
	c.b.op(history.Observer, "", history.Info, history.FLeader, map[string]any{"leader": node, "token": token}, "")
	return idx
}

// write makes node's process write with token; the resource fences by
// token unless accept forces the outcome. It returns the invoke and
// completion indices.
func (c *cluster) write(node string, token uint64, outcome history.Type) (int64, int64) {
	inv, done := c.writeAs(c.proc[node], node, token, outcome)
	if outcome == history.Info {
		c.retire(node)
	}
	return inv, done
}

// writeAs is write by any process, granted or not; it retires nobody.
func (c *cluster) writeAs(p, node string, token uint64, outcome history.Type) (int64, int64) {
	c.seq++
	v := history.Write{Token: token, Seq: c.seq}
	inv := c.b.op(p, node, history.Invoke, history.FWrite, v, "")
	c.b.advance(5 * time.Millisecond)
	if outcome == "" {
		outcome = history.OK
		if token < c.highest {
			outcome = history.Fail
		}
	}
	errText := ""
	switch outcome {
	case history.OK:
		c.highest = max(c.highest, token)
	case history.Fail:
		errText = fmt.Sprintf("stale token %d < %d", token, c.highest)
	case history.Info:
		errText = "timeout"
	}
	done := c.b.op(p, node, outcome, history.FWrite, v, errText)
	return inv, done
}

// retire gives node a new process id after an info.
func (c *cluster) retire(node string) {
	c.gen[node]++
	c.proc[node] = fmt.Sprintf("%s#%d", node, c.gen[node])
}

func (c *cluster) lost(node string, token uint64) int64 {
	idx := c.b.op(c.proc[node], node, history.Info, history.FLost, history.Lost{Token: token, Reason: "session expired"}, "")
	c.b.op(history.Observer, "", history.Info, history.FLeader, map[string]any{"leader": nil}, "")
	return idx
}

func (c *cluster) resign(node string, token uint64) {
	p := c.proc[node]
	c.b.op(p, node, history.Invoke, history.FResign, history.Resign{Token: token}, "")
	c.b.advance(3 * time.Millisecond)
	c.b.op(p, node, history.OK, history.FResign, history.Resign{Token: token}, "")
}

// fault pauses or kills one of nodes, and returns its heal.
func (c *cluster) fault(nodes []string) (heal func() int64, start int64) {
	victim := nodes[c.b.rng.IntN(len(nodes))]
	kind := []string{"pause", "kill"}[c.b.rng.IntN(2)]
	start = c.b.op(history.Nemesis, victim, history.Info, history.FFaultStart, history.Fault{Kind: kind, Nodes: []string{victim}}, "")
	return func() int64 {
		return c.b.op(history.Nemesis, victim, history.Info, history.FFaultHeal, history.Fault{Kind: kind, Nodes: []string{victim}}, "")
	}, start
}
