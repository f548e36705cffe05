package netctl

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// applyEgress makes the tc tree of link eg (built for link's index),
// replacing whatever netctl put there before; an empty eg is
// [clearEgress]. It changes what it can in place rather than rebuild the
// tree, so that a netem leaf whose delay changes keeps the packets it
// holds, and it never leaves a receiver unclassified in between: new
// filters go in before stale ones go out. Applying the same tree twice
// changes nothing the second time. It must run inside the link's
// namespace.
func applyEgress(link netlink.Link, eg Egress) error {
	if eg.Empty() {
		return clearEgress(link)
	}
	name := link.Attrs().Name
	root, err := egressRootOf(link)
	if err != nil {
		return err
	}
	// htb cannot change in place, and netctl's root is always the same:
	// it is put in (replacing the interface's default qdisc) only once.
	if root == nil {
		if err := netlink.QdiscReplace(eg.Root); err != nil {
			return fmt.Errorf("egress on %s: root htb: %w", name, err)
		}
	}
	want := map[uint32]bool{} // class handles of eg
	for _, c := range eg.Classes {
		want[c.Class.Handle] = true
		if err := netlink.ClassReplace(c.Class); err != nil {
			return fmt.Errorf("egress on %s: class %s (%v): %w", name, netlink.HandleStr(c.Class.Handle), c.Effect, err)
		}
	}
	leaves, err := netlink.QdiscList(link)
	if err != nil {
		return fmt.Errorf("egress on %s: list qdiscs: %w", name, err)
	}
	for _, c := range eg.Classes {
		if err := setLeaf(c, leaves); err != nil {
			return fmt.Errorf("egress on %s: class %s: %w", name, netlink.HandleStr(c.Class.Handle), err)
		}
	}
	if err := setFilters(link, eg); err != nil {
		return fmt.Errorf("egress on %s: %w", name, err)
	}
	classes, err := netlink.ClassList(link, egressRootHandle())
	if err != nil {
		return fmt.Errorf("egress on %s: list classes: %w", name, err)
	}
	for _, c := range classes {
		if !want[c.Attrs().Handle] {
			if err := netlink.ClassDel(c); err != nil {
				return fmt.Errorf("egress on %s: delete class %s: %w", name, netlink.HandleStr(c.Attrs().Handle), err)
			}
		}
	}
	return nil
}

// setLeaf puts c's netem leaf under its class (changing the netem there
// in place), or takes a netem of netctl's away from a class that no
// longer delays (htb puts its default FIFO back).
func setLeaf(c EgressClass, leaves []netlink.Qdisc) error {
	if c.Leaf != nil {
		if err := netlink.QdiscReplace(c.Leaf); err != nil {
			return fmt.Errorf("netem (%v): %w", c.Effect, err)
		}
		return nil
	}
	for _, q := range leaves {
		a := q.Attrs()
		major, _ := netlink.MajorMinor(a.Handle)
		if a.Parent == c.Class.Handle && major >= egressLeafBase && q.Type() == "netem" {
			if err := netlink.QdiscDel(q); err != nil {
				return fmt.Errorf("delete netem %s: %w", netlink.HandleStr(a.Handle), err)
			}
		}
	}
	return nil
}

// setFilters makes the root's u32 filters eg's: each receiver into its
// class. Filters already right stay; the missing ones are added before
// the stale ones (a receiver's old class, a receiver no longer shaped)
// are deleted.
func setFilters(link netlink.Link, eg Egress) error {
	type route struct {
		dst   netip.Addr
		class uint32
	}
	want := map[route]bool{}
	for _, c := range eg.Classes {
		for _, r := range c.Receivers {
			want[route{r, c.Class.Handle}] = true
		}
	}
	current, err := egressFilters(link)
	if err != nil {
		return err
	}
	have := map[route]bool{}
	var stale []*netlink.U32
	for _, f := range current {
		dst, _ := filterReceiver(f)
		k := route{dst, f.ClassId}
		if want[k] && !have[k] {
			have[k] = true
			continue
		}
		stale = append(stale, f)
	}
	for _, c := range eg.Classes {
		for i, r := range c.Receivers {
			if have[route{r, c.Class.Handle}] {
				continue
			}
			if err := netlink.FilterAdd(c.Filters[i]); err != nil {
				return fmt.Errorf("filter to %s into %s: %w", r, netlink.HandleStr(c.Class.Handle), err)
			}
		}
	}
	for _, f := range stale {
		if err := netlink.FilterDel(f); err != nil && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("delete filter %s: %w", netlink.HandleStr(f.Handle), err)
		}
	}
	return nil
}

// egressFilters lists the receiver filters on netctl's root.
func egressFilters(link netlink.Link) ([]*netlink.U32, error) {
	fs, err := netlink.FilterList(link, egressRootHandle())
	if err != nil {
		return nil, fmt.Errorf("list filters: %w", err)
	}
	var out []*netlink.U32
	for _, f := range fs {
		u, ok := f.(*netlink.U32)
		if !ok || u.Priority != egressFilterPrio {
			continue
		}
		if _, ok := filterReceiver(u); ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// clearEgress removes netctl's tree from link, if it is there: the
// interface gets its default qdisc back and nothing it sends is shaped.
// Another root qdisc (not netctl's) is left alone. It must run inside
// the link's namespace.
func clearEgress(link netlink.Link) error {
	root, err := egressRootOf(link)
	if err != nil || root == nil {
		return err
	}
	if err := netlink.QdiscDel(root); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("egress on %s: delete root htb: %w", link.Attrs().Name, err)
	}
	return nil
}

// egressRootOf returns netctl's root htb on link, or nil.
func egressRootOf(link netlink.Link) (netlink.Qdisc, error) {
	qs, err := netlink.QdiscList(link)
	if err != nil {
		return nil, fmt.Errorf("egress on %s: list qdiscs: %w", link.Attrs().Name, err)
	}
	for _, q := range qs {
		if a := q.Attrs(); a.Parent == netlink.HANDLE_ROOT && a.Handle == egressRootHandle() && q.Type() == "htb" {
			return q, nil
		}
	}
	return nil, nil
}

// EgressState is what netctl's tree on an interface shapes now.
type EgressState struct {
	// Classes are the classes under the root, by handle, with what they
	// apply (rate in bytes per second; delay from their netem leaf).
	Classes []EgressClassState
	// Filters map each shaped receiver to its class handle.
	Filters map[netip.Addr]uint32
}

// EgressClassState is one class of an [EgressState].
type EgressClassState struct {
	Handle  uint32
	Rate    uint64 // bytes per second
	Netem   bool   // a netem leaf sits under it
	Latency uint32 // the leaf's latency in the library's units (ticks), when Netem
}

// currentEgress reads netctl's tree on link (an empty state without it).
// It must run inside the link's namespace.
func currentEgress(link netlink.Link) (EgressState, error) {
	var st EgressState
	root, err := egressRootOf(link)
	if err != nil || root == nil {
		return st, err
	}
	classes, err := netlink.ClassList(link, egressRootHandle())
	if err != nil {
		return st, fmt.Errorf("list classes: %w", err)
	}
	qs, err := netlink.QdiscList(link)
	if err != nil {
		return st, fmt.Errorf("list qdiscs: %w", err)
	}
	for _, c := range classes {
		cs := EgressClassState{Handle: c.Attrs().Handle}
		if h, ok := c.(*netlink.HtbClass); ok {
			cs.Rate = h.Rate
		}
		for _, q := range qs {
			if n, ok := q.(*netlink.Netem); ok && q.Attrs().Parent == cs.Handle {
				cs.Netem, cs.Latency = true, n.Latency
			}
		}
		st.Classes = append(st.Classes, cs)
	}
	slices.SortFunc(st.Classes, func(a, b EgressClassState) int { return cmp.Compare(a.Handle, b.Handle) })
	fs, err := egressFilters(link)
	if err != nil {
		return st, err
	}
	st.Filters = map[netip.Addr]uint32{}
	for _, f := range fs {
		dst, _ := filterReceiver(f)
		st.Filters[dst] = f.ClassId
	}
	return st, nil
}
