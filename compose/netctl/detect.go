package netctl

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/chaos-election/chaos/netfault"
	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
)

func init() {
	// The netlink library's requests made without a handle of their own
	// (netctl's) ask the kernel why it refuses, so that an error says
	// "Specified qdisc kind is unknown" and not only "no such file or
	// directory". It changes no behaviour, only error texts.
	nl.EnableErrorMessageReporting = true
}

// Detection is what a network namespace's kernel can do for the delay
// and rate stage, each nil when it works or the kernel's refusal.
type Detection struct {
	// Netem: a netem qdisc (delay, jitter) under an htb class.
	Netem error
	// HTB: an htb root with a class and a u32 filter on the destination
	// (the rate, and the per-receiver classification netem needs too).
	HTB error
	// Redirect: an nftables nat prerouting chain with a redirect (the
	// user-space proxy's path).
	Redirect error
}

// Methods is what d allows: delay by netem where netem and htb work, else
// by the proxy where the redirect works; rate by htb.
func (d Detection) Methods() netfault.Methods {
	var m netfault.Methods
	netem := d.Netem
	if netem == nil && d.HTB != nil {
		netem = fmt.Errorf("netem needs htb to classify by receiver: %w", d.HTB)
	}
	switch {
	case netem == nil:
		m.Delay = netfault.Netem
	case d.Redirect == nil:
		m.Delay = netfault.Proxy
	default:
		m.NoDelay = fmt.Sprintf("%v; %v", netem, d.Redirect)
	}
	if d.HTB == nil {
		m.Rate = netfault.HTB
	} else {
		m.NoRate = d.HTB.Error()
	}
	return m
}

// DetectMethods is [Detect]'s methods: how the caller's network
// namespace can apply delays and rates.
func DetectMethods() netfault.Methods { return Detect().Methods() }

// Detect tries, in the caller's network namespace, what the stage needs,
// on a throwaway link (a dummy, else a veth pair; lo, whose default
// qdisc is put back, where the kernel makes neither) and removes all it
// made.
func Detect() Detection { return detect(netNS{h: netns.None()}) }

// DetectIn is [Detect] in the network namespace ns.
func DetectIn(ns netns.NsHandle) Detection { return detect(netNS{h: ns}) }

func detect(ns netNS) Detection {
	var d Detection
	err := ns.do(func() error {
		link, cleanup, err := probeLink()
		if err != nil {
			return err
		}
		defer cleanup()
		d.HTB, d.Netem = probeQdiscs(link)
		return nil
	})
	if err != nil {
		d.HTB, d.Netem = err, err
	}
	var opts []nftables.ConnOption
	if !ns.own() {
		opts = append(opts, nftables.WithNetNSFd(int(ns.h)))
	}
	d.Redirect = probeRedirect(opts...)
	return d
}

// probeLinkName names the throwaway links.
const probeLinkName = "chaosprobe0"

// probeLink makes a link to try qdiscs on, and the function that removes
// what the trial left.
func probeLink() (netlink.Link, func(), error) {
	if old, err := netlink.LinkByName(probeLinkName); err == nil {
		_ = netlink.LinkDel(old) // left by a probe that died
	}
	attrs := netlink.LinkAttrs{Name: probeLinkName}
	for _, l := range []netlink.Link{
		&netlink.Dummy{LinkAttrs: attrs},
		&netlink.Veth{LinkAttrs: attrs, PeerName: "chaosprobe1"},
	} {
		if netlink.LinkAdd(l) != nil {
			continue
		}
		link, err := netlink.LinkByName(probeLinkName)
		if err != nil {
			_ = netlink.LinkDel(l)
			return nil, nil, fmt.Errorf("probe link: %w", err)
		}
		return link, func() { _ = netlink.LinkDel(link) }, nil
	}
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return nil, nil, fmt.Errorf("probe link: no dummy, no veth, no lo: %w", err)
	}
	return lo, func() { _ = clearEgress(lo) }, nil
}

// probeQdiscs builds a one-class egress tree on link (htb, its class
// and filter, then the class's netem leaf) and takes it down again. When
// htb fails, netem is tried at the root.
func probeQdiscs(link netlink.Link) (htbErr, netemErr error) {
	idx := link.Attrs().Index
	eg, err := BuildEgress(idx, map[netip.Addr]netfault.Effect{
		netip.AddrFrom4([4]byte{192, 0, 2, 1}): {Rate: 125_000},
	}, false)
	if err != nil {
		return err, err
	}
	c := eg.Classes[0]
	if err := netlink.QdiscAdd(eg.Root); err != nil {
		htbErr = fmt.Errorf("htb qdisc: %w", err)
	} else if err := netlink.ClassAdd(c.Class); err != nil {
		htbErr = fmt.Errorf("htb class: %w", err)
	} else if err := netlink.FilterAdd(c.Filters[0]); err != nil {
		htbErr = fmt.Errorf("htb's u32 filter: %w", err)
	}
	leaf := netemLeaf(idx, c.Class.Handle, egressLeafBase, netfault.Effect{Delay: time.Millisecond})
	if htbErr != nil {
		_ = clearEgress(link)
		leaf.Parent = netlink.HANDLE_ROOT
	}
	if err := netlink.QdiscAdd(leaf); err != nil {
		netemErr = fmt.Errorf("netem qdisc: %w", err)
	} else if htbErr != nil {
		_ = netlink.QdiscDel(leaf)
	}
	_ = clearEgress(link)
	return htbErr, netemErr
}
