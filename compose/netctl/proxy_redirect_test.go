package netctl

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

func TestBuildRedirect(t *testing.T) {
	r, err := BuildRedirect([]netip.Addr{peer3, peer2, peer3}, 15001)
	if err != nil {
		t.Fatal(err)
	}
	if r.Table.Name != "chaosnat" || r.Table.Family != nftables.TableFamilyIPv4 {
		t.Errorf("table = %+v, want ip chaosnat", r.Table)
	}
	c := r.Chain
	if c.Table != r.Table || c.Type != nftables.ChainTypeNAT || c.Hooknum == nil || *c.Hooknum != *nftables.ChainHookPrerouting ||
		c.Priority == nil || *c.Priority != *nftables.ChainPriorityNATDest {
		t.Errorf("chain = %+v, want nat prerouting at dstnat priority", c)
	}
	if r.Set.Name != "peers4" || r.Set.KeyType != nftables.TypeIPAddr {
		t.Errorf("set = %+v", r.Set)
	}
	if got := [][]byte{r.Elements[0].Key, r.Elements[1].Key}; len(r.Elements) != 2 ||
		!reflect.DeepEqual(got, [][]byte{{172, 29, 0, 12}, {172, 29, 0, 13}}) {
		t.Errorf("elements = %v, want the two peers, sorted, once each", r.Elements)
	}
	want := []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4},
		&expr.Lookup{SourceRegister: 1, SetName: "peers4", SetID: 1},
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_TCP}},
		&expr.Counter{},
		&expr.Immediate{Register: 1, Data: []byte{0x3a, 0x99}}, // 15001
		&expr.Redir{RegisterProtoMin: 1},
	}
	if !reflect.DeepEqual(r.Rule.Exprs, want) {
		t.Errorf("rule = %#v\nwant   %#v", r.Rule.Exprs, want)
	}
}

func TestBuildRedirectRefuses(t *testing.T) {
	for _, tc := range []struct {
		peers []netip.Addr
		port  uint16
	}{
		{nil, 15001},
		{[]netip.Addr{peer2}, 0},
		{[]netip.Addr{netip.MustParseAddr("fe80::1")}, 15001},
	} {
		if _, err := BuildRedirect(tc.peers, tc.port); err == nil {
			t.Errorf("BuildRedirect(%v, %d): want an error", tc.peers, tc.port)
		}
	}
}
