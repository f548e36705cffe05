package checkers

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/chaos-election/chaos/history"
)

// regKey is one key's register ops, ready for the search.
type regKey struct {
	name  string
	calls []regOp
	// values are the canonical forms of the key's values by id (0 is
	// null, the value before the first write); ids is the other way.
	values []string
	ids    map[string]int32
}

func newRegKey(name string) *regKey {
	return &regKey{name: name, values: []string{"null"}, ids: map[string]int32{"null": 0}}
}

// intern returns the id of the value raw (JSON; absent is null), made
// once per distinct text: values equal as JSON share an id.
func (k *regKey) intern(raw []byte) (int32, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0, nil
	}
	if id, ok := k.ids[string(raw)]; ok {
		return id, nil // seen before as written, or already canonical
	}
	c, err := canonicalJSON(raw)
	if err != nil {
		return 0, err
	}
	id, ok := k.ids[c]
	if !ok {
		id = int32(len(k.values))
		k.values = append(k.values, c)
		k.ids[c] = id
	}
	if c != string(raw) && len(raw) <= 64 {
		k.ids[string(raw)] = id // the same text again needs no decoding
	}
	return id, nil
}

// registerOps pairs the register ops of h by process and groups them by
// key, each value replaced by its id among the key's canonical values.
func registerOps(h []history.Op) (map[string]*regKey, error) {
	// process is what is known of a process: its op outstanding, if
	// open, and its number among the clients of register ops (-1 before
	// its first).
	type process struct {
		open   bool
		op     *history.Op
		fields regFields
		client int
	}
	procs := map[string]*process{}
	clients := 0
	keys := map[string]*regKey{}
	// add files c, the op p invoked, under its key, its values interned:
	// a read's from its completion done.
	add := func(p *process, c regOp, done *history.Op) error {
		k := keys[string(p.fields.key)]
		if k == nil {
			k = newRegKey(string(p.fields.key))
			keys[k.name] = k
		}
		if p.client < 0 {
			p.client, clients = clients, clients+1
		}
		c.client, c.index, c.invoked = p.client, p.op.Index, p.op.Time
		var err error
		switch p.op.F {
		case history.FRead:
			c.f = regRead
			var f regFields
			if f, err = registerFields(done); err == nil {
				c.arg, err = k.intern(f.value)
			}
			if err != nil {
				return fmt.Errorf("op %d: %w", done.Index, err)
			}
		case history.FWrite:
			c.f = regWrite
			c.arg, err = k.intern(p.fields.value)
		default:
			c.f = regCas
			if c.arg, err = k.intern(p.fields.from); err == nil {
				c.to, err = k.intern(p.fields.to)
			}
		}
		if err != nil {
			return fmt.Errorf("op %d: %w", p.op.Index, err)
		}
		k.calls = append(k.calls, c)
		return nil
	}
	for i := range h {
		op := &h[i]
		if op.F != history.FRead && op.F != history.FWrite && op.F != history.FCas {
			continue
		}
		if op.Type == history.Invoke {
			f, err := registerFields(op)
			if err != nil {
				return nil, fmt.Errorf("op %d: %w", op.Index, err)
			}
			if !f.hasKey {
				continue // an election write, not a register op
			}
			p := procs[op.Process]
			if p == nil {
				p = &process{client: -1}
				procs[op.Process] = p
			}
			p.open, p.op, p.fields = true, op, f
			continue
		}
		p := procs[op.Process]
		if p == nil || !p.open {
			continue
		}
		p.open = false
		c := regOp{process: op.Process, doneIndex: op.Index, ended: op.Time}
		var done *history.Op
		switch op.Type {
		case history.Fail:
			if p.op.F != history.FCas {
				continue // did not happen
			}
			c.outcome = regFailed
		case history.Info:
			if p.op.F == history.FRead {
				continue // says nothing
			}
			c.outcome, c.ended = regUnknown, time.Duration(math.MaxInt64)
		default:
			done = op
		}
		if err := add(p, c, done); err != nil {
			return nil, err
		}
	}
	// Ops still open at the end of the history may have taken effect.
	var left []*process
	for _, p := range procs {
		if p.open && p.op.F != history.FRead {
			left = append(left, p)
		}
	}
	slices.SortFunc(left, func(a, b *process) int { return cmp.Compare(a.op.Index, b.op.Index) })
	for _, p := range left {
		c := regOp{process: p.op.Process, doneIndex: p.op.Index, outcome: regUnknown, ended: time.Duration(math.MaxInt64)}
		if err := add(p, c, nil); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		// By invocation, as porcupine numbers ops.
		slices.SortFunc(k.calls, func(a, b regOp) int { return cmp.Compare(a.index, b.index) })
	}
	return keys, nil
}

// operations are k's ops for porcupine: op i's input and output are
// &k.calls[i].
func (k *regKey) operations() []porcupine.Operation {
	ops := make([]porcupine.Operation, len(k.calls))
	for i := range k.calls {
		c := &k.calls[i]
		ops[i] = porcupine.Operation{ClientId: c.client, Input: c, Output: c, Call: int64(c.invoked), Return: int64(c.ended)}
	}
	return ops
}
