package netctl

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

// State is what the namespace's chaos table does now.
type State struct {
	// Drop lists the sources whose packets are dropped (empty: none).
	Drop []netip.Addr `json:"drop"`
	// Packets is how many packets the drop rule has dropped so far.
	Packets uint64 `json:"packets"`
	// Loss lists the random losses, lowest probability first.
	Loss []LossState `json:"loss,omitempty"`
}

// LossState is one random loss in force and its counters.
type LossState struct {
	P    float64      `json:"p"` // the probability of a drop, in steps of 1e-6
	From []netip.Addr `json:"from"`
	// Seen counts the packets from From that the rule saw, Dropped those
	// it dropped.
	Seen    uint64 `json:"seen"`
	Dropped uint64 `json:"dropped"`
}

// Apply makes the network namespace drop every IPv4 packet whose source
// is one of addrs, replacing whatever the chaos table held before, in one
// nftables transaction. An empty addrs is [Clear]. opts select the
// namespace (default: the caller's), as for [nftables.New].
func Apply(addrs []netip.Addr, opts ...nftables.ConnOption) error {
	if len(normalize(addrs)) == 0 {
		return Clear(opts...)
	}
	rs, err := Build(addrs)
	if err != nil {
		return err
	}
	if err := install(rs.input(), opts...); err != nil {
		return fmt.Errorf("apply drop rules (%s): %w", FormatAddrs(addrs), err)
	}
	return nil
}

// ApplyRules puts the drops and random loss of r in force (see
// [BuildInput]), replacing whatever the chaos table held before in one
// nftables transaction; when r drops nothing and loses nothing, the table
// is deleted ([Clear]).
func ApplyRules(r NodeRules, opts ...nftables.ConnOption) error {
	in, err := BuildInput(r)
	if err != nil {
		return err
	}
	if in.Empty() {
		return Clear(opts...)
	}
	if err := install(in, opts...); err != nil {
		return fmt.Errorf("apply drop and loss rules: %w", err)
	}
	return nil
}

// install replaces the chaos table with in, atomically.
func install(in Input, opts ...nftables.ConnOption) error {
	c, err := nftables.New(opts...)
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	// add+delete+add in one batch: replaces the table whether or not it
	// exists, atomically (the kernel applies the batch as one transaction).
	c.AddTable(in.Table)
	c.DelTable(in.Table)
	c.AddTable(in.Table)
	c.AddChain(in.Chain)
	for _, p := range in.Parts {
		if err := c.AddSet(p.Set, p.Elements); err != nil {
			return fmt.Errorf("nftables set %s: %w", p.Set.Name, err)
		}
		c.AddRule(p.Rule)
	}
	return c.Flush()
}

// Clear deletes the chaos table from the network namespace; nothing is
// dropped afterwards. Clearing a namespace without the table is no error.
func Clear(opts ...nftables.ConnOption) error {
	c, err := nftables.New(opts...)
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	t := newTable()
	c.AddTable(t) // creates it if missing, so the delete cannot fail
	c.DelTable(t)
	if err := c.Flush(); err != nil {
		return fmt.Errorf("clear drop rules: %w", err)
	}
	return nil
}

// Current reads the chaos table of the network namespace: its drop and
// loss sets and the counters of their rules.
func Current(opts ...nftables.ConnOption) (State, error) {
	c, err := nftables.New(opts...)
	if err != nil {
		return State{}, fmt.Errorf("nftables: %w", err)
	}
	tables, err := c.ListTablesOfFamily(nftables.TableFamilyINet)
	if err != nil {
		return State{}, fmt.Errorf("list tables: %w", err)
	}
	i := slices.IndexFunc(tables, func(t *nftables.Table) bool { return t.Name == TableName })
	if i < 0 {
		return State{}, nil
	}
	t := tables[i]
	sets, err := c.GetSets(t)
	if err != nil {
		return State{}, fmt.Errorf("get sets: %w", err)
	}
	members := map[string][]netip.Addr{}
	for _, s := range sets {
		elems, err := c.GetSetElements(s)
		if err != nil {
			return State{}, fmt.Errorf("get elements of set %s: %w", s.Name, err)
		}
		for _, e := range elems {
			if a, ok := netip.AddrFromSlice(e.Key); ok {
				members[s.Name] = append(members[s.Name], a)
			}
		}
	}
	rules, err := c.GetRules(t, &nftables.Chain{Name: ChainName, Table: t})
	if err != nil {
		return State{}, fmt.Errorf("get rules: %w", err)
	}
	return stateOf(members, rules), nil
}

// stateOf reads a State off the sets' members and the chain's rules: each
// rule names its set in its lookup; a drop rule has one counter, a loss
// rule two (seen, dropped).
func stateOf(members map[string][]netip.Addr, rules []*nftables.Rule) State {
	st := State{Drop: normalize(members[SetName])}
	if len(st.Drop) == 0 {
		st.Drop = nil
	}
	for _, r := range rules {
		var set string
		var counters []uint64
		for _, e := range r.Exprs {
			switch e := e.(type) {
			case *expr.Lookup:
				set = e.SetName
			case *expr.Counter:
				counters = append(counters, e.Packets)
			}
		}
		if ppm, ok := parseLossSet(set); ok && len(counters) == 2 {
			st.Loss = append(st.Loss, LossState{P: float64(ppm) / lossScale, From: normalize(members[set]),
				Seen: counters[0], Dropped: counters[1]})
			continue
		}
		for _, n := range counters {
			st.Packets += n
		}
	}
	slices.SortFunc(st.Loss, func(a, b LossState) int {
		switch {
		case a.P < b.P:
			return -1
		case a.P > b.P:
			return 1
		}
		return 0
	})
	return st
}
