package netctl

import (
	"time"

	"github.com/chaos-election/chaos/netfault"
	"github.com/vishvananda/netlink"
)

// MaxNetemDelay is the longest delay plus jitter netem is asked for: the
// netlink library passes netem's latency as 32-bit clock ticks, which
// hold a little over four and a half minutes.
const MaxNetemDelay = 4 * time.Minute

const (
	// netemLimit is the packets one netem leaf holds: a second's delay
	// of a busy peer link stays well inside it (netem's own default,
	// 1000, does not).
	netemLimit uint32 = 100_000
	// netemFIFORate (bytes per second) is far above any link's speed.
	// A netem with a rate schedules each packet no earlier than the one
	// before it, so jitter never reorders packets (as in the proxy);
	// without one, netem sorts its queue by each packet's own draw.
	netemFIFORate uint64 = 1 << 40
)

// netemLeaf is the netem qdisc (handle major:) under the class parent
// that delays every packet by e.Delay plus a uniform draw in
// [0, e.Jitter): netem's latency is the middle of that range and its
// jitter half of it (netem draws uniformly in latency ± jitter when it
// has no distribution table). Loss is not netem's: nftables drops.
func netemLeaf(linkIndex int, parent uint32, major uint16, e netfault.Effect) *netlink.Netem {
	half := e.Jitter / 2
	return netlink.NewNetem(netlink.QdiscAttrs{
		LinkIndex: linkIndex,
		Parent:    parent,
		Handle:    netlink.MakeHandle(major, 0),
	}, netlink.NetemQdiscAttrs{
		Latency: uint32((e.Delay + half).Microseconds()),
		Jitter:  uint32(half.Microseconds()),
		Limit:   netemLimit,
		Rate64:  netemFIFORate,
	})
}
