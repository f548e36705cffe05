package netctl

import (
	"net/netip"
	"testing"
	"time"

	"github.com/chaos-election/chaos/netfault"
	"github.com/vishvananda/netlink"
)

// This kernel has no netem, so the netem leaf is checked only as data:
// what netlink would send.

func TestNetemLeafSpansDelayToDelayPlusJitter(t *testing.T) {
	e := netfault.Effect{Delay: 100 * time.Millisecond, Jitter: 40 * time.Millisecond}
	got := netemLeaf(4, netlink.MakeHandle(0xc4, 0x10), 0xc410, e)
	// netem draws uniformly in latency ± jitter: 120ms ± 20ms is [100ms, 140ms].
	want := netlink.NewNetem(netlink.QdiscAttrs{}, netlink.NetemQdiscAttrs{Latency: 120_000, Jitter: 20_000})
	if got.Latency != want.Latency || got.Jitter != want.Jitter {
		t.Errorf("latency %d jitter %d (ticks), want %d and %d (120ms ± 20ms)", got.Latency, got.Jitter, want.Latency, want.Jitter)
	}
	if got.LinkIndex != 4 || got.Parent != netlink.MakeHandle(0xc4, 0x10) || got.Handle != netlink.MakeHandle(0xc410, 0) {
		t.Errorf("attrs = %+v, want link 4, parent c4:10, handle c410:", got.QdiscAttrs)
	}
	if got.Loss != 0 {
		t.Errorf("loss %d: loss is nftables'", got.Loss)
	}
	if got.Limit != netemLimit || got.Rate64 != netemFIFORate {
		t.Errorf("limit %d rate %d, want %d packets and the FIFO rate %d", got.Limit, got.Rate64, netemLimit, netemFIFORate)
	}
	if got.ReorderProb != 0 || got.Gap != 0 {
		t.Errorf("reordering asked for: %+v", got)
	}
}

func TestNetemLeafWithoutJitter(t *testing.T) {
	got := netemLeaf(1, 1, 0xc411, netfault.Effect{Delay: 250 * time.Millisecond})
	want := netlink.NewNetem(netlink.QdiscAttrs{}, netlink.NetemQdiscAttrs{Latency: 250_000})
	if got.Latency != want.Latency || got.Jitter != 0 {
		t.Errorf("latency %d jitter %d, want %d and 0", got.Latency, got.Jitter, want.Latency)
	}
}

func TestBuildEgressPutsNetemUnderEachDelayingClass(t *testing.T) {
	eg, err := BuildEgress(5, map[netip.Addr]netfault.Effect{
		peer2: {Delay: 50 * time.Millisecond, Rate: 1_000_000},
		peer3: {Jitter: 10 * time.Millisecond},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(eg.Classes) != 2 {
		t.Fatalf("%d classes, want 2", len(eg.Classes))
	}
	for _, c := range eg.Classes {
		if c.Leaf == nil || c.Leaf.Parent != c.Class.Handle {
			t.Errorf("class %s (%v): leaf %+v, want a netem under it", netlink.HandleStr(c.Class.Handle), c.Effect, c.Leaf)
		}
	}
	if r := eg.Classes[0].Class.Rate; r != 1_000_000 {
		t.Errorf("delay-and-rate class: rate %d, want 1000000 (htb limits, netem delays)", r)
	}
}
