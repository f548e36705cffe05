package netctl

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/google/nftables"
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
	for _, a := range addrs {
		if !a.Is4() {
			return Ruleset{}, fmt.Errorf("build rules: %s is not an IPv4 address", a)
		}
	}
	table := newTable()
	chain := newChain(table)
	set := newSet(table, SetName, 1)
	return Ruleset{Table: table, Chain: chain, Set: set, Elements: elements(addrs), Rule: dropRule(table, chain, set)}, nil
}

// input is rs as the one part of an [Input].
func (rs Ruleset) input() Input {
	return Input{Table: rs.Table, Chain: rs.Chain, Parts: []Part{{Set: rs.Set, Elements: rs.Elements, Rule: rs.Rule}}}
}
