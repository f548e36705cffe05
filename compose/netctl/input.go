package netctl

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// LossSetPrefix starts the name of each random-loss set: loss<ppm>, the
// loss in parts per million of the sources it holds ("loss300000" drops
// 30% of their packets).
const LossSetPrefix = "loss"

// lossScale is the modulus of the random number a loss rule draws: loss
// is applied in steps of one in a million.
const lossScale = 1_000_000

// Input is the nftables state that carries out what one node's links
// suffer on the way in: the chaos table, its input chain, and one part
// per action — the drops first (always there, its set maybe empty), then
// one random loss per distinct probability, lowest first.
type Input struct {
	Table *nftables.Table
	Chain *nftables.Chain
	Parts []Part
}

// Part is a named set of IPv4 sources and the rule that acts on the
// packets from them.
type Part struct {
	Set      *nftables.Set
	Elements []nftables.SetElement
	Rule     *nftables.Rule
	// PPM is the loss in parts per million; 0 for the drop part.
	PPM uint32
}

// Empty says whether in acts on no packet (no table is needed).
func (in Input) Empty() bool {
	for _, p := range in.Parts {
		if len(p.Elements) > 0 {
			return false
		}
	}
	return true
}

// BuildInput is the nftables state for the drops and random loss of r:
// every source whose Into effect drops goes into the drop set; every
// other source with a loss goes into the set of its probability, whose
// rule is `ip saddr @lossN counter numgen random mod 1000000 < N counter
// drop` (the first counter counts what the rule saw, the second what it
// dropped). OutOf, delays and rates are not nftables' to apply and are
// ignored here. It is pure: nothing is sent to the kernel.
func BuildInput(r NodeRules) (Input, error) {
	var drops []netip.Addr
	loss := map[uint32][]netip.Addr{}
	for a, e := range r.Into {
		if !a.Is4() {
			return Input{}, fmt.Errorf("build rules: source %s is not an IPv4 address", a)
		}
		if err := e.Validate(); err != nil {
			return Input{}, fmt.Errorf("build rules: from %s: %w", a, err)
		}
		switch {
		case e.Drop:
			drops = append(drops, a)
		case e.Loss > 0:
			ppm := LossPPM(e.Loss)
			loss[ppm] = append(loss[ppm], a)
		}
	}
	table := newTable()
	chain := newChain(table)
	dropSet := newSet(table, SetName, 1)
	in := Input{Table: table, Chain: chain, Parts: []Part{{
		Set: dropSet, Elements: elements(drops), Rule: dropRule(table, chain, dropSet),
	}}}
	ppms := make([]uint32, 0, len(loss))
	for ppm := range loss {
		ppms = append(ppms, ppm)
	}
	slices.Sort(ppms)
	for i, ppm := range ppms {
		set := newSet(table, LossSetPrefix+strconv.FormatUint(uint64(ppm), 10), uint32(i+2))
		in.Parts = append(in.Parts, Part{Set: set, Elements: elements(loss[ppm]), Rule: lossRule(table, chain, set, ppm), PPM: ppm})
	}
	return in, nil
}

// LossPPM is the loss probability p in parts per million, as the loss
// rule draws it: rounded, at least 1 and at most 999999.
func LossPPM(p float64) uint32 {
	return uint32(min(max(math.Round(p*lossScale), 1), lossScale-1))
}

// parseLossSet is the ppm of a loss set's name, false for other sets.
func parseLossSet(name string) (uint32, bool) {
	rest, ok := strings.CutPrefix(name, LossSetPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 10, 32)
	return uint32(n), err == nil && n > 0 && n < lossScale
}

func newTable() *nftables.Table {
	return &nftables.Table{Family: nftables.TableFamilyINet, Name: TableName}
}

// newChain is the input chain: hooked at filter priority, policy accept.
func newChain(t *nftables.Table) *nftables.Chain {
	policy := nftables.ChainPolicyAccept
	return &nftables.Chain{
		Name:     ChainName,
		Table:    t,
		Type:     nftables.ChainTypeFilter,
		Hooknum:  nftables.ChainHookInput,
		Priority: nftables.ChainPriorityFilter,
		Policy:   &policy,
	}
}

// newSet is a set of IPv4 addresses; id must be unique in a transaction.
func newSet(t *nftables.Table, name string, id uint32) *nftables.Set {
	return &nftables.Set{Table: t, Name: name, ID: id, KeyType: nftables.TypeIPAddr}
}

// elements are addrs, sorted and deduplicated, as set elements.
func elements(addrs []netip.Addr) []nftables.SetElement {
	addrs = normalize(addrs)
	out := make([]nftables.SetElement, 0, len(addrs))
	for _, a := range addrs {
		b := a.As4()
		out = append(out, nftables.SetElement{Key: b[:]})
	}
	return out
}

// saddrIn matches IPv4 packets whose source is in set.
func saddrIn(set *nftables.Set) []expr.Any {
	return []expr.Any{
		// meta nfproto ipv4 (the table is inet: check the family first)
		&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.NFPROTO_IPV4}},
		// ip saddr -> reg 1 (IPv4 header bytes 12..15)
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4},
		&expr.Lookup{SourceRegister: 1, SetName: set.Name, SetID: set.ID},
	}
}

// dropRule is `ip saddr @set counter drop`.
func dropRule(t *nftables.Table, c *nftables.Chain, set *nftables.Set) *nftables.Rule {
	ex := append(saddrIn(set),
		&expr.Counter{}, // so `netctl show` can say how much was dropped
		&expr.Verdict{Kind: expr.VerdictDrop},
	)
	return &nftables.Rule{Table: t, Chain: c, Exprs: ex}
}

// lossRule is `ip saddr @set counter numgen random mod 1000000 < ppm
// counter drop`. numgen writes the number in host byte order and cmp
// compares bytes, so it is turned big-endian first, as nft does.
func lossRule(t *nftables.Table, c *nftables.Chain, set *nftables.Set, ppm uint32) *nftables.Rule {
	threshold := binary.BigEndian.AppendUint32(nil, ppm)
	ex := append(saddrIn(set),
		&expr.Counter{}, // seen
		&expr.Numgen{Register: 1, Modulus: lossScale, Type: unix.NFT_NG_RANDOM},
		&expr.Byteorder{SourceRegister: 1, DestRegister: 1, Op: expr.ByteorderHton, Len: 4, Size: 4},
		&expr.Cmp{Op: expr.CmpOpLt, Register: 1, Data: threshold},
		&expr.Counter{}, // dropped
		&expr.Verdict{Kind: expr.VerdictDrop},
	)
	return &nftables.Rule{Table: t, Chain: c, Exprs: ex}
}
