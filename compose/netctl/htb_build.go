package netctl

import (
	"encoding/binary"
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/chaos-election/chaos/netfault"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Handles of the tc objects netctl owns on a node's interface: a root
// htb "c4:", its classes c4:10, c4:11, … (one per distinct shaping), the
// netem leaf of class c4:N with handle (c400+N):, and the u32 filters at
// priority 10 of the root. Anything else on the interface is not netctl's.
const (
	EgressMajor      uint16 = 0xc4
	egressFirstMinor uint16 = 0x10
	egressLeafBase   uint16 = 0xc400
	egressFilterPrio uint16 = 10
	// egressMaxClasses bounds the distinct shapings of one node (leaf
	// majors stay below 0xffff).
	egressMaxClasses = 0x1000
	// egressDirectQlen is the FIFO of the traffic no filter classifies
	// (to the harness, to healthy peers), sent on unshaped.
	egressDirectQlen uint32 = 1000
)

// UnlimitedRate (bytes per second, 10 Gbit/s) is the htb rate of a class
// that only delays, and the highest rate an effect may ask for.
const UnlimitedRate = netfault.MaxRate

// EgressClass is one distinct shaping of what a node sends: an htb class,
// the netem qdisc under it when it delays, and the u32 filter of each
// receiver that sends the receiver's packets into it.
type EgressClass struct {
	Effect    netfault.Effect // delay, jitter and rate only
	Receivers []netip.Addr    // sorted
	Class     *netlink.HtbClass
	Leaf      *netlink.Netem // nil: the class only limits the rate
	Filters   []*netlink.U32 // one per receiver, in the order of Receivers
}

// Egress is the tc tree that shapes what a node sends, per receiver: a
// root htb whose unclassified traffic goes out directly (no default
// class), so that only the listed receivers are shaped.
type Egress struct {
	Root    *netlink.Htb // nil: nothing to shape (the tree is removed)
	Classes []EgressClass
}

// Empty says whether e shapes nothing.
func (e Egress) Empty() bool { return e.Root == nil }

// BuildEgress returns the tc tree on the interface linkIndex that applies
// the effects out (by receiver) to what the node sends: their rates (htb)
// and, when withDelay, their delays and jitters (netem). Drops and loss
// are nftables', not the tree's, and are left out. Receivers whose effect
// is left with nothing to do get no class. It is pure: nothing is sent to
// the kernel (it only reads /proc/net/psched, as tc does, for the
// kernel's clock).
func BuildEgress(linkIndex int, out map[netip.Addr]netfault.Effect, withDelay bool) (Egress, error) {
	receivers := slices.SortedFunc(maps.Keys(out), netip.Addr.Compare)
	var eg Egress
	byEffect := map[netfault.Effect]int{} // index in eg.Classes
	for _, r := range receivers {
		if !r.Is4() {
			return Egress{}, fmt.Errorf("build egress: receiver %s is not an IPv4 address", r)
		}
		e := shaping(out[r], withDelay)
		if e.Zero() {
			continue
		}
		if err := checkShaping(e); err != nil {
			return Egress{}, fmt.Errorf("build egress: receiver %s: %w", r, err)
		}
		i, ok := byEffect[e]
		if !ok {
			if len(eg.Classes) == egressMaxClasses {
				return Egress{}, fmt.Errorf("build egress: more than %d distinct effects", egressMaxClasses)
			}
			i = len(eg.Classes)
			byEffect[e] = i
			eg.Classes = append(eg.Classes, newEgressClass(linkIndex, egressFirstMinor+uint16(i), e))
		}
		c := &eg.Classes[i]
		c.Receivers = append(c.Receivers, r)
		c.Filters = append(c.Filters, receiverFilter(linkIndex, r, c.Class.Handle))
	}
	if len(eg.Classes) > 0 {
		eg.Root = egressRoot(linkIndex)
	}
	return eg, nil
}

// shaping is the part of e the tree applies.
func shaping(e netfault.Effect, withDelay bool) netfault.Effect {
	s := netfault.Effect{Rate: e.Rate}
	if withDelay {
		s.Delay, s.Jitter = e.Delay, e.Jitter
	}
	return s
}

// checkShaping checks what the kernel can hold.
func checkShaping(e netfault.Effect) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.Rate > UnlimitedRate {
		return fmt.Errorf("rate %d B/s: above the highest, %d B/s", e.Rate, UnlimitedRate)
	}
	if e.Delay+e.Jitter > MaxNetemDelay {
		return fmt.Errorf("delay %v with jitter %v: above netem's %v", e.Delay, e.Jitter, MaxNetemDelay)
	}
	return nil
}

func egressRootHandle() uint32 { return netlink.MakeHandle(EgressMajor, 0) }

func egressRoot(linkIndex int) *netlink.Htb {
	root := netlink.NewHtb(netlink.QdiscAttrs{
		LinkIndex: linkIndex,
		Parent:    netlink.HANDLE_ROOT,
		Handle:    egressRootHandle(),
	})
	root.Defcls = 0 // unclassified packets skip the classes: unshaped
	qlen := egressDirectQlen
	root.DirectQlen = &qlen
	return root
}

// newEgressClass is the class c4:minor for e and its netem leaf.
func newEgressClass(linkIndex int, minor uint16, e netfault.Effect) EgressClass {
	rate := e.Rate
	if rate == 0 {
		rate = UnlimitedRate
	}
	handle := netlink.MakeHandle(EgressMajor, minor)
	class := netlink.NewHtbClass(netlink.ClassAttrs{
		LinkIndex: linkIndex,
		Parent:    egressRootHandle(),
		Handle:    handle,
	}, netlink.HtbClassAttrs{
		Rate:    rate * 8, // bits per second, as tc takes them
		Ceil:    rate * 8,
		Quantum: htbQuantum(rate),
	})
	c := EgressClass{Effect: e, Class: class}
	if e.Delays() {
		c.Leaf = netemLeaf(linkIndex, handle, egressLeafBase+minor, e)
	}
	return c
}

// htbQuantum is the bytes a class sends per round: tc's rate/r2q (r2q
// 10) kept within what htb accepts without a warning.
func htbQuantum(rate uint64) uint32 {
	return uint32(min(max(rate/10, 1600), 200_000))
}

// receiverFilter sends the IPv4 packets to r into the class classID:
// `u32 match ip dst r/32 flowid classID`.
func receiverFilter(linkIndex int, r netip.Addr, classID uint32) *netlink.U32 {
	b := r.As4()
	return &netlink.U32{
		FilterAttrs: netlink.FilterAttrs{
			LinkIndex: linkIndex,
			Parent:    egressRootHandle(),
			Priority:  egressFilterPrio,
			Protocol:  unix.ETH_P_IP,
		},
		ClassId: classID,
		Sel: &netlink.TcU32Sel{
			Flags: netlink.TC_U32_TERMINAL,
			Keys: []netlink.TcU32Key{{
				Mask: 0xffffffff,
				Val:  binary.BigEndian.Uint32(b[:]), // in host order: the library swaps
				Off:  16,                            // the IPv4 header's destination
			}},
		},
	}
}

// filterReceiver is the receiver a filter of [receiverFilter]'s shape
// matches, if it is one.
func filterReceiver(f *netlink.U32) (netip.Addr, bool) {
	if f.Sel == nil || len(f.Sel.Keys) != 1 {
		return netip.Addr{}, false
	}
	k := f.Sel.Keys[0]
	if k.Off != 16 || k.Mask != 0xffffffff {
		return netip.Addr{}, false
	}
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], k.Val)
	return netip.AddrFrom4(b), true
}
