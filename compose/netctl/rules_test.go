package netctl

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

func TestParseAddrs(t *testing.T) {
	got, err := ParseAddrs(" 172.29.0.13,172.29.0.12,,172.29.0.13 ")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Addr{netip.MustParseAddr("172.29.0.12"), netip.MustParseAddr("172.29.0.13")}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseAddrs = %v, want %v", got, want)
	}
	if s := FormatAddrs(got); s != "172.29.0.12,172.29.0.13" {
		t.Fatalf("FormatAddrs = %q", s)
	}
	if got, err := ParseAddrs(""); err != nil || len(got) != 0 {
		t.Fatalf("ParseAddrs(\"\") = %v, %v; want empty", got, err)
	}
	for _, bad := range []string{"172.29.0", "fe80::1", "n1"} {
		if _, err := ParseAddrs(bad); err == nil {
			t.Errorf("ParseAddrs(%q): want error", bad)
		}
	}
}

func TestBuild(t *testing.T) {
	addrs := []netip.Addr{netip.MustParseAddr("10.0.0.3"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.3")}
	rs, err := Build(addrs)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Table.Name != "chaos" || rs.Table.Family != nftables.TableFamilyINet {
		t.Errorf("table = %+v, want inet chaos", rs.Table)
	}
	c := rs.Chain
	if c.Table != rs.Table || c.Hooknum == nil || *c.Hooknum != *nftables.ChainHookInput ||
		c.Type != nftables.ChainTypeFilter || c.Policy == nil || *c.Policy != nftables.ChainPolicyAccept {
		t.Errorf("chain = %+v, want filter input hook with policy accept", c)
	}
	if rs.Set.KeyType != nftables.TypeIPAddr || rs.Set.Table != rs.Table {
		t.Errorf("set = %+v, want ipv4_addr set in the table", rs.Set)
	}
	// sorted and deduplicated
	wantElems := [][]byte{{10, 0, 0, 2}, {10, 0, 0, 3}}
	if len(rs.Elements) != len(wantElems) {
		t.Fatalf("elements = %v, want %v", rs.Elements, wantElems)
	}
	for i, e := range rs.Elements {
		if !reflect.DeepEqual(e.Key, wantElems[i]) {
			t.Errorf("element %d = %v, want %v", i, e.Key, wantElems[i])
		}
	}
	ex := rs.Rule.Exprs
	if len(ex) != 6 {
		t.Fatalf("rule has %d expressions, want 6: %#v", len(ex), ex)
	}
	if m, ok := ex[0].(*expr.Meta); !ok || m.Key != expr.MetaKeyNFPROTO {
		t.Errorf("expr 0 = %#v, want meta nfproto", ex[0])
	}
	if p, ok := ex[2].(*expr.Payload); !ok || p.Base != expr.PayloadBaseNetworkHeader || p.Offset != 12 || p.Len != 4 {
		t.Errorf("expr 2 = %#v, want payload ip saddr", ex[2])
	}
	if l, ok := ex[3].(*expr.Lookup); !ok || l.SetName != SetName || l.SetID != rs.Set.ID || l.Invert {
		t.Errorf("expr 3 = %#v, want lookup @%s", ex[3], SetName)
	}
	if v, ok := ex[5].(*expr.Verdict); !ok || v.Kind != expr.VerdictDrop {
		t.Errorf("expr 5 = %#v, want drop", ex[5])
	}
	if _, err := Build(nil); err == nil {
		t.Error("Build(nil): want error")
	}
}
