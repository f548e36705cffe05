package netctl

import (
	"encoding/binary"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"

	"github.com/chaos-election/chaos/netfault"
)

var (
	a2 = netip.MustParseAddr("10.0.0.2")
	a3 = netip.MustParseAddr("10.0.0.3")
	a4 = netip.MustParseAddr("10.0.0.4")
	a5 = netip.MustParseAddr("10.0.0.5")
)

func keys(p Part) []string {
	var out []string
	for _, e := range p.Elements {
		a, _ := netip.AddrFromSlice(e.Key)
		out = append(out, a.String())
	}
	return out
}

// One set and rule per distinct loss probability, after the drop part;
// a source that is dropped is not also lost; OutOf and delays are not
// nftables' business.
func TestBuildInputLoss(t *testing.T) {
	in, err := BuildInput(NodeRules{
		Into: map[netip.Addr]netfault.Effect{
			a2: {Drop: true, Loss: 0.5},
			a3: {Loss: 0.3},
			a4: {Loss: 0.05},
			a5: {Loss: 0.3, Delay: time.Second},
		},
		OutOf: map[netip.Addr]netfault.Effect{a2: {Drop: true}, a3: {Loss: 0.9}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if in.Table.Name != TableName || in.Table.Family != nftables.TableFamilyINet || in.Chain.Hooknum == nil || *in.Chain.Hooknum != *nftables.ChainHookInput {
		t.Errorf("table %+v chain %+v", in.Table, in.Chain)
	}
	if len(in.Parts) != 3 {
		t.Fatalf("%d parts, want drop, loss 5%%, loss 30%%", len(in.Parts))
	}
	type want struct {
		set   string
		ppm   uint32
		addrs string
	}
	for i, w := range []want{{SetName, 0, "10.0.0.2"}, {"loss50000", 50000, "10.0.0.4"}, {"loss300000", 300000, "10.0.0.3,10.0.0.5"}} {
		p := in.Parts[i]
		if p.Set.Name != w.set || p.PPM != w.ppm || strings.Join(keys(p), ",") != w.addrs || p.Set.KeyType != nftables.TypeIPAddr {
			t.Errorf("part %d: set %s ppm %d sources %v, want %+v", i, p.Set.Name, p.PPM, keys(p), w)
		}
		if p.Set.ID != uint32(i+1) {
			t.Errorf("part %d: set id %d, want %d (unique in the transaction)", i, p.Set.ID, i+1)
		}
		if p.Rule.Table != in.Table || p.Rule.Chain != in.Chain {
			t.Errorf("part %d: rule outside the table's chain", i)
		}
	}
	// ip saddr @loss300000 counter numgen random mod 1000000 < 300000 counter drop
	ex := in.Parts[2].Rule.Exprs
	if len(ex) != 10 {
		t.Fatalf("loss rule has %d expressions, want 10: %#v", len(ex), ex)
	}
	if l, ok := ex[3].(*expr.Lookup); !ok || l.SetName != "loss300000" || l.SetID != 3 {
		t.Errorf("expr 3 = %#v, want lookup @loss300000", ex[3])
	}
	if _, ok := ex[4].(*expr.Counter); !ok {
		t.Errorf("expr 4 = %#v, want the seen counter", ex[4])
	}
	if n, ok := ex[5].(*expr.Numgen); !ok || n.Type != unix.NFT_NG_RANDOM || n.Modulus != 1_000_000 || n.Register != 1 || n.Offset != 0 {
		t.Errorf("expr 5 = %#v, want numgen random mod 1000000", ex[5])
	}
	if b, ok := ex[6].(*expr.Byteorder); !ok || b.Op != expr.ByteorderHton || b.Len != 4 || b.Size != 4 {
		t.Errorf("expr 6 = %#v, want byteorder hton (numgen is host order, cmp compares bytes)", ex[6])
	}
	if c, ok := ex[7].(*expr.Cmp); !ok || c.Op != expr.CmpOpLt || binary.BigEndian.Uint32(c.Data) != 300000 {
		t.Errorf("expr 7 = %#v, want cmp lt 300000 big-endian", ex[7])
	}
	if _, ok := ex[8].(*expr.Counter); !ok {
		t.Errorf("expr 8 = %#v, want the dropped counter", ex[8])
	}
	if v, ok := ex[9].(*expr.Verdict); !ok || v.Kind != expr.VerdictDrop {
		t.Errorf("expr 9 = %#v, want drop", ex[9])
	}
}

func TestBuildInputEdges(t *testing.T) {
	in, err := BuildInput(NodeRules{OutOf: map[netip.Addr]netfault.Effect{a2: {Drop: true}}})
	if err != nil || !in.Empty() || len(in.Parts) != 1 {
		t.Errorf("OutOf only: %+v, %v; want an empty input", in, err)
	}
	if in, err := BuildInput(NodeRules{Into: map[netip.Addr]netfault.Effect{a2: {Loss: 0.5}}}); err != nil || in.Empty() {
		t.Errorf("loss only: empty %v, %v", in.Empty(), err)
	}
	for _, bad := range []NodeRules{
		{Into: map[netip.Addr]netfault.Effect{netip.MustParseAddr("fe80::1"): {Drop: true}}},
		{Into: map[netip.Addr]netfault.Effect{a2: {Loss: 1}}},
	} {
		if _, err := BuildInput(bad); err == nil {
			t.Errorf("BuildInput(%v): want error", bad)
		}
	}
	for p, want := range map[float64]uint32{0.5: 500000, 1e-9: 1, 0.9999999: 999999, 0.123456789: 123457} {
		if got := LossPPM(p); got != want {
			t.Errorf("LossPPM(%v) = %d, want %d", p, got, want)
		}
	}
	if ppm, ok := parseLossSet("loss250000"); !ok || ppm != 250000 {
		t.Errorf("parseLossSet = %d, %v", ppm, ok)
	}
	for _, name := range []string{SetName, "loss", "loss0", "loss1000000", "lossx"} {
		if _, ok := parseLossSet(name); ok {
			t.Errorf("parseLossSet(%q) ok", name)
		}
	}
}

// The state is read back off the sets and the rules' counters.
func TestStateOf(t *testing.T) {
	in, err := BuildInput(NodeRules{Into: map[netip.Addr]netfault.Effect{a2: {Drop: true}, a3: {Loss: 0.5}, a4: {Loss: 0.1}}})
	if err != nil {
		t.Fatal(err)
	}
	members := map[string][]netip.Addr{}
	var rules []*nftables.Rule
	for i, p := range in.Parts {
		for _, e := range p.Elements {
			a, _ := netip.AddrFromSlice(e.Key)
			members[p.Set.Name] = append(members[p.Set.Name], a)
		}
		n := uint64(0)
		for _, e := range p.Rule.Exprs {
			if c, ok := e.(*expr.Counter); ok {
				n++
				c.Packets = uint64(100*(i+1)) / n // seen 200, dropped 100 …
			}
		}
		rules = append(rules, p.Rule)
	}
	got := stateOf(members, rules)
	want := State{Drop: []netip.Addr{a2}, Packets: 100, Loss: []LossState{
		{P: 0.1, From: []netip.Addr{a4}, Seen: 200, Dropped: 100},
		{P: 0.5, From: []netip.Addr{a3}, Seen: 300, Dropped: 150},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stateOf:\n got %+v\nwant %+v", got, want)
	}
}
