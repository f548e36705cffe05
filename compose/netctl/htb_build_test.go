package netctl

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/netfault"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

var (
	peer2 = netip.MustParseAddr("172.29.0.12")
	peer3 = netip.MustParseAddr("172.29.0.13")
	peer4 = netip.MustParseAddr("172.29.0.14")
	peer5 = netip.MustParseAddr("172.29.0.15")
)

func TestBuildEgressOneClassPerDistinctEffect(t *testing.T) {
	slow := netfault.Effect{Delay: 100 * time.Millisecond, Jitter: 20 * time.Millisecond}
	narrow := netfault.Effect{Rate: 125_000}
	out := map[netip.Addr]netfault.Effect{
		peer5: slow,
		peer3: narrow,
		peer2: slow,
		peer4: {Drop: true, Loss: 0.3}, // nftables', not the tree's
	}
	eg, err := BuildEgress(7, out, true)
	if err != nil {
		t.Fatal(err)
	}
	r := eg.Root
	if r == nil || r.Handle != netlink.MakeHandle(0xc4, 0) || r.Parent != netlink.HANDLE_ROOT || r.LinkIndex != 7 {
		t.Fatalf("root = %+v, want htb c4: at the root of link 7", r)
	}
	if r.Defcls != 0 || r.DirectQlen == nil || *r.DirectQlen != egressDirectQlen {
		t.Errorf("root default class %d, direct queue %v: unclassified traffic must go out directly", r.Defcls, r.DirectQlen)
	}
	if len(eg.Classes) != 2 {
		t.Fatalf("%d classes, want 2 (one per distinct effect): %+v", len(eg.Classes), eg.Classes)
	}
	// In the order of each effect's first receiver: slow (peer2), narrow (peer3).
	c0, c1 := eg.Classes[0], eg.Classes[1]
	if c0.Effect != slow || len(c0.Receivers) != 2 || c0.Receivers[0] != peer2 || c0.Receivers[1] != peer5 {
		t.Errorf("class 0 = %v for %v, want %v for [%s %s]", c0.Effect, c0.Receivers, slow, peer2, peer5)
	}
	if c1.Effect != narrow || len(c1.Receivers) != 1 || c1.Receivers[0] != peer3 {
		t.Errorf("class 1 = %v for %v, want %v for [%s]", c1.Effect, c1.Receivers, narrow, peer3)
	}
	for i, c := range eg.Classes {
		want := netlink.MakeHandle(0xc4, 0x10+uint16(i))
		if c.Class.Handle != want || c.Class.Parent != r.Handle || c.Class.LinkIndex != 7 {
			t.Errorf("class %d: handle %s parent %s, want %s under the root", i, netlink.HandleStr(c.Class.Handle), netlink.HandleStr(c.Class.Parent), netlink.HandleStr(want))
		}
		if len(c.Filters) != len(c.Receivers) {
			t.Fatalf("class %d: %d filters for %d receivers", i, len(c.Filters), len(c.Receivers))
		}
		for j, f := range c.Filters {
			if dst, ok := filterReceiver(f); !ok || dst != c.Receivers[j] {
				t.Errorf("class %d filter %d matches %v, want %s", i, j, dst, c.Receivers[j])
			}
			if f.ClassId != c.Class.Handle || f.Parent != r.Handle || f.Priority != egressFilterPrio || f.Protocol != unix.ETH_P_IP {
				t.Errorf("class %d filter %d = %+v, want ip prio %d into %s", i, j, f.FilterAttrs, egressFilterPrio, netlink.HandleStr(c.Class.Handle))
			}
			if f.Sel.Flags&netlink.TC_U32_TERMINAL == 0 {
				t.Errorf("class %d filter %d is not terminal", i, j)
			}
		}
	}
	if c0.Leaf == nil || c0.Leaf.Parent != c0.Class.Handle || c0.Leaf.Handle != netlink.MakeHandle(0xc410, 0) {
		t.Errorf("delaying class: leaf %+v, want netem c410: under c4:10", c0.Leaf)
	}
	if c1.Leaf != nil {
		t.Errorf("rate-only class has a netem leaf: %+v", c1.Leaf)
	}
	if c1.Class.Rate != 125_000 || c1.Class.Ceil != 125_000 {
		t.Errorf("rate class: rate %d ceil %d B/s, want 125000", c1.Class.Rate, c1.Class.Ceil)
	}
	if c0.Class.Rate != UnlimitedRate {
		t.Errorf("delay-only class: rate %d B/s, want the unlimited %d", c0.Class.Rate, UnlimitedRate)
	}
}

func TestBuildEgressWithoutDelayKeepsOnlyRates(t *testing.T) {
	out := map[netip.Addr]netfault.Effect{
		peer2: {Delay: time.Second},
		peer3: {Delay: time.Second, Rate: 50_000},
		peer4: {Rate: 50_000},
	}
	eg, err := BuildEgress(3, out, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(eg.Classes) != 1 {
		t.Fatalf("%d classes, want 1 (the rate both share): %+v", len(eg.Classes), eg.Classes)
	}
	c := eg.Classes[0]
	if c.Effect != (netfault.Effect{Rate: 50_000}) || c.Leaf != nil || len(c.Receivers) != 2 || c.Receivers[0] != peer3 || c.Receivers[1] != peer4 {
		t.Errorf("class = %v for %v (leaf %v), want rate 50000 for [%s %s] without netem", c.Effect, c.Receivers, c.Leaf, peer3, peer4)
	}
}

func TestBuildEgressNothingToShapeIsEmpty(t *testing.T) {
	for _, out := range []map[netip.Addr]netfault.Effect{
		nil,
		{peer2: {}},
		{peer2: {Drop: true}, peer3: {Loss: 0.5}},
	} {
		eg, err := BuildEgress(3, out, true)
		if err != nil || !eg.Empty() || len(eg.Classes) != 0 {
			t.Errorf("BuildEgress(%v) = %+v, %v; want empty", out, eg, err)
		}
	}
	eg, _ := BuildEgress(3, map[netip.Addr]netfault.Effect{peer2: {Delay: time.Second}}, false)
	if !eg.Empty() {
		t.Errorf("a delay without withDelay built %+v", eg)
	}
}

func TestBuildEgressRefusesWhatTheKernelCannotHold(t *testing.T) {
	for _, tc := range []struct {
		out  map[netip.Addr]netfault.Effect
		want string
	}{
		{map[netip.Addr]netfault.Effect{netip.MustParseAddr("fe80::1"): {Rate: 1}}, "IPv4"},
		{map[netip.Addr]netfault.Effect{peer2: {Rate: UnlimitedRate + 1}}, "rate"},
		{map[netip.Addr]netfault.Effect{peer2: {Delay: MaxNetemDelay, Jitter: time.Second}}, "netem"},
		{map[netip.Addr]netfault.Effect{peer2: {Delay: -time.Second}}, "negative"},
	} {
		if _, err := BuildEgress(3, tc.out, true); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("BuildEgress(%v): %v, want an error about %s", tc.out, err, tc.want)
		}
	}
}

func TestHTBQuantumStaysInRange(t *testing.T) {
	for _, tc := range []struct {
		rate uint64
		want uint32
	}{{1000, 1600}, {125_000, 12_500}, {UnlimitedRate, 200_000}} {
		if got := htbQuantum(tc.rate); got != tc.want {
			t.Errorf("htbQuantum(%d) = %d, want %d", tc.rate, got, tc.want)
		}
	}
}

func TestReceiverFilterMatchesTheDestination(t *testing.T) {
	f := receiverFilter(2, netip.MustParseAddr("10.1.2.3"), netlink.MakeHandle(0xc4, 0x10))
	k := f.Sel.Keys[0]
	if k.Off != 16 || k.Mask != 0xffffffff || k.Val != 0x0a010203 {
		t.Fatalf("key = %+v, want ip dst (offset 16) 10.1.2.3 = 0x0a010203", k)
	}
	if dst, ok := filterReceiver(f); !ok || dst != netip.MustParseAddr("10.1.2.3") {
		t.Fatalf("filterReceiver = %v, %v", dst, ok)
	}
	for _, other := range []*netlink.U32{
		{},
		{Sel: &netlink.TcU32Sel{Keys: []netlink.TcU32Key{{Off: 12, Mask: 0xffffffff}}}},
		{Sel: &netlink.TcU32Sel{Keys: []netlink.TcU32Key{{Off: 16, Mask: 0xffffff00}}}},
	} {
		if _, ok := filterReceiver(other); ok {
			t.Errorf("filterReceiver took %+v for a receiver filter", other.Sel)
		}
	}
}
