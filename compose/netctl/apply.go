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
	// Drop lists the sources whose packets are dropped (empty: no table).
	Drop []netip.Addr
	// Packets is how many packets the drop rule has dropped so far.
	Packets uint64
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
	c, err := nftables.New(opts...)
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	// add+delete+add in one batch: replaces the table whether or not it
	// exists, atomically (the kernel applies the batch as one transaction).
	c.AddTable(rs.Table)
	c.DelTable(rs.Table)
	c.AddTable(rs.Table)
	c.AddChain(rs.Chain)
	if err := c.AddSet(rs.Set, rs.Elements); err != nil {
		return fmt.Errorf("nftables set: %w", err)
	}
	c.AddRule(rs.Rule)
	if err := c.Flush(); err != nil {
		return fmt.Errorf("apply drop rules (%s): %w", FormatAddrs(addrs), err)
	}
	return nil
}

// Clear deletes the chaos table from the network namespace; nothing is
// dropped afterwards. Clearing a namespace without the table is no error.
func Clear(opts ...nftables.ConnOption) error {
	c, err := nftables.New(opts...)
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	t := &nftables.Table{Family: nftables.TableFamilyINet, Name: TableName}
	c.AddTable(t) // creates it if missing, so the delete cannot fail
	c.DelTable(t)
	if err := c.Flush(); err != nil {
		return fmt.Errorf("clear drop rules: %w", err)
	}
	return nil
}

// Current reads the chaos table of the network namespace.
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
	var st State
	set, err := c.GetSetByName(t, SetName)
	if err != nil {
		return State{}, fmt.Errorf("get set %s: %w", SetName, err)
	}
	elems, err := c.GetSetElements(set)
	if err != nil {
		return State{}, fmt.Errorf("get set elements: %w", err)
	}
	for _, e := range elems {
		if a, ok := netip.AddrFromSlice(e.Key); ok {
			st.Drop = append(st.Drop, a)
		}
	}
	st.Drop = normalize(st.Drop)
	rules, err := c.GetRules(t, &nftables.Chain{Name: ChainName, Table: t})
	if err != nil {
		return State{}, fmt.Errorf("get rules: %w", err)
	}
	for _, r := range rules {
		for _, e := range r.Exprs {
			if ctr, ok := e.(*expr.Counter); ok {
				st.Packets += ctr.Packets
			}
		}
	}
	return st, nil
}
