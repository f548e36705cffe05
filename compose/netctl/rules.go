package netctl

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// Names of the nftables objects netctl owns. Everything lives in one table,
// so deleting the table undoes everything.
const (
	TableName = "chaos"
	ChainName = "input"
	SetName   = "drop4"
)

// Ruleset is the nftables state that drops IPv4 packets from a set of
// sources: a table, an input chain hooked at filter priority with policy
// accept, a named set of addresses and one rule `ip saddr @drop4 drop`.
type Ruleset struct {
	Table    *nftables.Table
	Chain    *nftables.Chain
	Set      *nftables.Set
	Elements []nftables.SetElement
	Rule     *nftables.Rule
}

// ParseAddrs parses a comma-separated list of IPv4 addresses ("" is the
// empty list) and returns them sorted without duplicates.
func ParseAddrs(list string) ([]netip.Addr, error) {
	var out []netip.Addr
	for f := range strings.SplitSeq(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("parse address %q: %w", f, err)
		}
		if !a.Is4() {
			return nil, fmt.Errorf("address %s: only IPv4 is supported", a)
		}
		out = append(out, a)
	}
	return normalize(out), nil
}

// FormatAddrs is the inverse of [ParseAddrs]: a sorted comma-separated list.
func FormatAddrs(addrs []netip.Addr) string {
	s := make([]string, 0, len(addrs))
	for _, a := range normalize(addrs) {
		s = append(s, a.String())
	}
	return strings.Join(s, ",")
}

func normalize(addrs []netip.Addr) []netip.Addr {
	out := slices.Clone(addrs)
	slices.SortFunc(out, func(a, b netip.Addr) int { return a.Compare(b) })
	return slices.Compact(out)
}

// Build returns the rule set that drops IPv4 packets whose source is one
// of addrs. It is pure: nothing is sent to the kernel. addrs must be
// non-empty IPv4 addresses; an empty list means "drop nothing", which is
// [Clear], not a rule set.
func Build(addrs []netip.Addr) (Ruleset, error) {
	addrs = normalize(addrs)
	if len(addrs) == 0 {
		return Ruleset{}, fmt.Errorf("build rules: no addresses to drop (use Clear)")
	}
	table := &nftables.Table{Family: nftables.TableFamilyINet, Name: TableName}
	policy := nftables.ChainPolicyAccept
	chain := &nftables.Chain{
		Name:     ChainName,
		Table:    table,
		Type:     nftables.ChainTypeFilter,
		Hooknum:  nftables.ChainHookInput,
		Priority: nftables.ChainPriorityFilter,
		Policy:   &policy,
	}
	set := &nftables.Set{
		Table:   table,
		Name:    SetName,
		ID:      1,
		KeyType: nftables.TypeIPAddr,
	}
	elems := make([]nftables.SetElement, 0, len(addrs))
	for _, a := range addrs {
		if !a.Is4() {
			return Ruleset{}, fmt.Errorf("build rules: %s is not an IPv4 address", a)
		}
		b := a.As4()
		elems = append(elems, nftables.SetElement{Key: b[:]})
	}
	rule := &nftables.Rule{
		Table: table,
		Chain: chain,
		Exprs: []expr.Any{
			// meta nfproto ipv4 (the table is inet: check the family first)
			&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.NFPROTO_IPV4}},
			// ip saddr -> reg 1 (IPv4 header bytes 12..15)
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4},
			// @drop4
			&expr.Lookup{SourceRegister: 1, SetName: set.Name, SetID: set.ID},
			// counter, so `netctl show` can say how much was dropped
			&expr.Counter{},
			&expr.Verdict{Kind: expr.VerdictDrop},
		},
	}
	return Ruleset{Table: table, Chain: chain, Set: set, Elements: elems, Rule: rule}, nil
}
