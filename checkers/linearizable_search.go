package checkers

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// searchVerdict is what the search of one key concluded.
type searchVerdict int

const (
	searchLinearizable searchVerdict = iota
	searchIllegal
	searchUnknown // out of time, or the context was done
)

// searchKey looks for a linearization of k's ops within timeout: it is
// porcupine's search (Wing & Gong's, with Lowe's cache of visited
// configurations: the set of ops linearized and the register's value),
// specialized to the register — values are small integers, the set is a
// bitset hashed incrementally (one random key per op), the cache an
// open-addressing table over flat arrays — so that a step costs no
// interface call and no allocation. porcupine itself still draws the
// search when one fails (visualize), and its tests cross-check the two.
//
// best is the longest partial linearization the search reached: where
// a history that is not linearizable gets stuck.
func searchKey(ctx context.Context, k *regKey, timeout time.Duration) (v searchVerdict, best []int32) {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	n := len(k.calls)
	list := newEntryList(k.calls)
	seen := newVisited(n)
	keys := opKeys(n)
	bits := make([]uint64, (n+63)/64)
	var hash uint64 // XOR of keys of the ops in bits
	type frame struct{ entry, state int32 }
	stack := make([]frame, 0, n)
	best = make([]int32, 0, n)
	agree := 0 // best[:agree] are the ops of stack[:agree]
	state := int32(0)
	e := list.first()
	for steps := 0; list.first() >= 0; steps++ {
		if steps&0xfff == 0 && (ctx.Err() != nil || !deadline.IsZero() && time.Now().After(deadline)) {
			return searchUnknown, best
		}
		if nd := &list.nodes[e]; nd.match >= 0 {
			// A call: linearize its op next, unless it cannot take
			// effect now or that leads where the search has been.
			op := nd.op
			if ok, next := k.calls[op].apply(state); ok {
				bits[op>>6] |= 1 << (op & 63)
				hash ^= keys[op]
				if seen.add(hash^stateKey(next), bits, next) {
					stack = append(stack, frame{e, state})
					if len(stack) > len(best) {
						best = best[:agree]
						for _, f := range stack[agree:] {
							best = append(best, list.nodes[f.entry].op)
						}
						agree = len(stack)
					}
					state = next
					list.lift(e)
					e = list.first()
					continue
				}
				bits[op>>6] &^= 1 << (op & 63)
				hash ^= keys[op]
			}
			e = nd.next
			continue
		}
		// A return: the op it ends had to be linearized by now, and was
		// not; undo the last op linearized and try the next one instead.
		if len(stack) == 0 {
			return searchIllegal, best
		}
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		agree = min(agree, len(stack))
		op := list.nodes[top.entry].op
		bits[op>>6] &^= 1 << (op & 63)
		hash ^= keys[op]
		state = top.state
		list.unlift(top.entry)
		e = list.nodes[top.entry].next
	}
	return searchLinearizable, best
}

// apply is the register's sequential specification: whether op can take
// effect when the register holds value v, and the value after it.
func (op *regOp) apply(v int32) (bool, int32) {
	switch op.f {
	case regRead:
		return op.arg == v, v
	case regWrite:
		return true, op.arg
	}
	switch op.outcome {
	case regUnknown:
		if v == op.arg {
			return true, op.to
		}
		return true, v
	case regFailed:
		return v != op.arg, v
	}
	return v == op.arg, op.to
}

// entryList is porcupine's doubly linked list of the calls and returns
// of the ops not yet linearized, in time order, over an array; node
// len(nodes)-1 is the head, and -1 the end.
type entryList struct {
	nodes []entryNode
	head  int32
}

type entryNode struct {
	op         int32
	match      int32 // a call's return node; -1 for a return
	prev, next int32
}

// newEntryList orders the calls and returns of ops by time, a call
// before a return at the same time (intervals are closed).
func newEntryList(ops []regOp) *entryList {
	type event struct {
		t   int64
		ret bool
		op  int32
	}
	evs := make([]event, 0, 2*len(ops))
	for i := range ops {
		evs = append(evs, event{int64(ops[i].invoked), false, int32(i)}, event{int64(ops[i].ended), true, int32(i)})
	}
	slices.SortFunc(evs, func(a, b event) int {
		if c := cmp.Compare(a.t, b.t); c != 0 {
			return c
		}
		if a.ret != b.ret {
			if a.ret {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.op, b.op)
	})
	l := &entryList{nodes: make([]entryNode, len(evs)+1), head: int32(len(evs))}
	retAt := make([]int32, len(ops))
	for i, ev := range evs {
		if ev.ret {
			retAt[ev.op] = int32(i)
		}
	}
	for i, ev := range evs {
		nd := entryNode{op: ev.op, match: -1, prev: int32(i - 1), next: int32(i + 1)}
		if !ev.ret {
			nd.match = retAt[ev.op]
		}
		l.nodes[i] = nd
	}
	if len(evs) > 0 {
		l.nodes[0].prev = l.head
		l.nodes[len(evs)-1].next = -1
		l.nodes[l.head] = entryNode{op: -1, match: -1, prev: -1, next: 0}
	} else {
		l.nodes[l.head] = entryNode{op: -1, match: -1, prev: -1, next: -1}
	}
	return l
}

func (l *entryList) first() int32 { return l.nodes[l.head].next }

// lift takes the call e and its return out of the list.
func (l *entryList) lift(e int32) {
	l.unlink(e)
	l.unlink(l.nodes[e].match)
}

func (l *entryList) unlink(i int32) {
	nd := &l.nodes[i]
	l.nodes[nd.prev].next = nd.next
	if nd.next >= 0 {
		l.nodes[nd.next].prev = nd.prev
	}
}

// unlift puts back what lift(e) took out, the return first.
func (l *entryList) unlift(e int32) {
	l.relink(l.nodes[e].match)
	l.relink(e)
}

func (l *entryList) relink(i int32) {
	nd := &l.nodes[i]
	l.nodes[nd.prev].next = i
	if nd.next >= 0 {
		l.nodes[nd.next].prev = i
	}
}

// visited is the cache of configurations the search has been in: a set
// of (linearized ops, value), stored flat in chunks of up to half a
// megabyte, which fill without being copied once full size. A probe of the table reads one slot, which holds enough of the
// hash to pass over the other configurations, and only a match reads the
// configuration.
type visited struct {
	stride   int        // words per configuration: its hash, the value, the set
	perChunk int        // configurations per chunk
	chunks   [][]uint64 // configuration i is chunks[i/perChunk][i%perChunk*stride:][:stride]
	slots    []slot     // open addressing, linear probing
	n        int        // configurations
}

type slot struct {
	hash uint32 // the high half of the configuration's hash
	at   int32  // configuration+1; 0 is a free slot
}

func newVisited(ops int) *visited {
	stride := 2 + (ops+63)/64
	return &visited{stride: stride, perChunk: max(1, 1<<16/stride), slots: make([]slot, 1024)}
}

func (c *visited) config(i int) []uint64 {
	return c.chunks[i/c.perChunk][i%c.perChunk*c.stride:][:c.stride]
}

// add adds the configuration (bits, value) of hash h, reporting false
// when it was there already.
func (c *visited) add(h uint64, bits []uint64, value int32) bool {
	mask := uint64(len(c.slots) - 1)
	hi := uint32(h >> 32)
	i := h & mask
	for ; c.slots[i].at != 0; i = (i + 1) & mask {
		if c.slots[i].hash != hi {
			continue
		}
		if cf := c.config(int(c.slots[i].at - 1)); cf[1] == uint64(uint32(value)) && slices.Equal(cf[2:], bits) {
			return false
		}
	}
	if c.n%c.perChunk == 0 { // the first chunk starts small, and grows
		c.chunks = append(c.chunks, make([]uint64, 0, c.stride*min(c.perChunk, max(16, c.n))))
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, h, uint64(uint32(value)))
	*last = append(*last, bits...)
	c.n++
	c.slots[i] = slot{hi, int32(c.n)}
	if 2*c.n > len(c.slots) {
		c.grow()
	}
	return true
}

// grow doubles the table.
func (c *visited) grow() {
	old := c.slots
	c.slots = make([]slot, 2*len(old))
	mask := uint64(len(c.slots) - 1)
	for _, s := range old {
		if s.at == 0 {
			continue
		}
		i := c.config(int(s.at - 1))[0] & mask
		for c.slots[i].at != 0 {
			i = (i + 1) & mask
		}
		c.slots[i] = s
	}
}

// opKeys are the random keys whose XOR hashes a set of ops
// (Zobrist hashing), the same on every run.
func opKeys(n int) []uint64 {
	keys := make([]uint64, n)
	x := uint64(0x2545f4914f6cdd1d)
	for i := range keys {
		keys[i] = splitmix64(&x)
	}
	return keys
}

func stateKey(v int32) uint64 {
	x := uint64(uint32(v))
	return splitmix64(&x)
}

// splitmix64 advances x and returns the next of its pseudo-random
// sequence.
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
