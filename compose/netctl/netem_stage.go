package netctl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"

	"github.com/chaos-election/chaos/linkproxy"
	"github.com/chaos-election/chaos/netfault"
	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// DelayOptions configure a [DelayStage].
type DelayOptions struct {
	// Node is the node's own IPv4 address: the interface that holds it
	// (eth0) is the one whose egress is shaped. The zero Addr means the
	// namespace's one interface with an IPv4 address other than lo.
	Node netip.Addr
	// Peers are the other nodes' addresses: the proxy path redirects
	// their TCP, and only theirs.
	Peers []netip.Addr
	// Proxy starts the user-space path where delays need it (no netem):
	// the redirect and the proxy, installed by [NewDelayStage], so before
	// the node starts (conntrack keeps an existing connection where it
	// went). The cluster asks for it when its plan delays links.
	Proxy bool
	// ProxyPort is the port the proxy listens on, on every address of the
	// namespace; 0 is any free port.
	ProxyPort uint16
	// Delay forces the delay method ([netfault.Netem] or
	// [netfault.Proxy]) instead of [Detect]'s choice.
	Delay netfault.Method
	// NetNS is the network namespace to act in; 0 or netns.None() is the
	// caller's (the agent, which runs in the node's namespace).
	NetNS netns.NsHandle
	// Seed seeds the proxy's one random source (jitter).
	Seed uint64
	Log  *slog.Logger // nil = discard
}

// DelayStage is the delay and rate stage of a node's network agent: it
// applies the delays, jitters and rates of a [NodeRules] (nftables
// applies the drops and loss), by the methods it chose once at start:
//
//   - rate: htb on the node's egress, per receiver (OutOf);
//   - delay with netem: a netem leaf under the receiver's htb class, on
//     the node's egress (OutOf; Into is what the senders' own agents
//     apply to theirs);
//   - delay without netem: the [PeerProxy], through which the redirect
//     sends every TCP connection a peer opens to the node, holding what
//     the peer sends by Into[peer] and what the node sends back by
//     OutOf[peer]. TCP only: UDP (Consul's Serf gossip) is not delayed.
//
// An effect the chosen method cannot apply is an error of [DelayStage.Apply],
// which then changes nothing. Its methods are safe for concurrent use.
type DelayStage struct {
	ns      netNS
	log     *slog.Logger
	det     Detection
	methods netfault.Methods
	link    netlink.Link
	peers   map[netip.Addr]bool
	proxy   *PeerProxy // nil unless delays go through the proxy
	nft     []nftables.ConnOption

	mu     sync.Mutex
	rules  NodeRules
	closed bool
}

// NewDelayStage detects what the namespace's kernel can do, chooses the
// methods, finds the interface to shape and, when the proxy path is
// chosen and opts.Proxy asks for it, starts the proxy and installs the
// redirect. ctx bounds the setting up only.
func NewDelayStage(ctx context.Context, opts DelayOptions) (*DelayStage, error) {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &DelayStage{ns: netNS{h: opts.NetNS}, log: log, peers: map[netip.Addr]bool{}}
	if !s.ns.own() {
		s.nft = []nftables.ConnOption{nftables.WithNetNSFd(int(opts.NetNS))}
	}
	for _, p := range opts.Peers {
		if !p.Is4() {
			return nil, fmt.Errorf("delay stage: peer %s is not an IPv4 address", p)
		}
		s.peers[p] = true
	}
	s.det = detect(s.ns)
	s.methods = chooseMethods(s.det, opts)
	link, err := s.nodeLink(opts.Node)
	if err != nil {
		return nil, fmt.Errorf("delay stage: %w", err)
	}
	s.link = link
	if s.methods.Delay == netfault.Proxy {
		if err := s.startProxy(ctx, opts); err != nil {
			return nil, fmt.Errorf("delay stage: %w", err)
		}
	}
	log.Info("delay stage ready", "interface", link.Attrs().Name,
		"delay", s.methods.Delay, "no_delay", s.methods.NoDelay,
		"rate", s.methods.Rate, "no_rate", s.methods.NoRate,
		"netem", errText(s.det.Netem), "htb", errText(s.det.HTB), "redirect", errText(s.det.Redirect))
	return s, nil
}

// chooseMethods is what the stage will use, from what the kernel can do
// and what was asked.
func chooseMethods(det Detection, opts DelayOptions) netfault.Methods {
	m := det.Methods()
	switch opts.Delay {
	case netfault.Netem:
		m.Delay, m.NoDelay = netfault.Netem, ""
	case netfault.Proxy:
		if det.Redirect == nil {
			m.Delay, m.NoDelay = netfault.Proxy, ""
		} else {
			m.Delay, m.NoDelay = "", det.Redirect.Error()
		}
	}
	if m.Delay == netfault.Proxy && !opts.Proxy {
		m.Delay = ""
		m.NoDelay = "the proxy was not started (the plan asked for no delay)"
		if det.Netem != nil {
			m.NoDelay = det.Netem.Error() + "; " + m.NoDelay
		}
	}
	return m
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

// nodeLink is the interface holding node, or the one non-loopback
// interface with an IPv4 address.
func (s *DelayStage) nodeLink(node netip.Addr) (netlink.Link, error) {
	var link netlink.Link
	err := s.ns.do(func() error {
		addrs, err := netlink.AddrList(nil, netlink.FAMILY_V4)
		if err != nil {
			return fmt.Errorf("list addresses: %w", err)
		}
		var found []int
		for _, a := range addrs {
			ip, ok := netip.AddrFromSlice(a.IP)
			if !ok || ip.Unmap().IsLoopback() {
				continue
			}
			if !node.IsValid() || ip.Unmap() == node {
				found = append(found, a.LinkIndex)
			}
		}
		switch {
		case len(found) == 0 && node.IsValid():
			return fmt.Errorf("no interface holds the node's address %s", node)
		case len(found) == 0:
			return errors.New("no interface with an IPv4 address but lo")
		case !node.IsValid() && len(found) > 1:
			return fmt.Errorf("%d interfaces with IPv4 addresses: say the node's address", len(found))
		}
		link, err = netlink.LinkByIndex(found[0])
		if err != nil {
			return fmt.Errorf("interface %d: %w", found[0], err)
		}
		return nil
	})
	return link, err
}

// startProxy listens, starts the proxy and installs the redirect to it.
func (s *DelayStage) startProxy(ctx context.Context, opts DelayOptions) error {
	if len(s.peers) == 0 {
		return errors.New("the proxy needs the peers' addresses (DelayOptions.Peers)")
	}
	ln, err := s.ns.listen(ctx, net.JoinHostPort("0.0.0.0", strconv.Itoa(int(opts.ProxyPort))))
	if err != nil {
		return fmt.Errorf("proxy listen: %w", err)
	}
	po := PeerProxyOptions{Listener: ln, Seed: opts.Seed, Log: s.log}
	if !s.ns.own() {
		po.Dial = s.ns.dial
	}
	pp, err := NewPeerProxy(po)
	if err != nil {
		ln.Close()
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	peers := make([]netip.Addr, 0, len(s.peers))
	for p := range s.peers {
		peers = append(peers, p)
	}
	if err := InstallRedirect(peers, uint16(port), s.nft...); err != nil {
		pp.Close()
		return err
	}
	s.proxy = pp
	s.log.Info("delay proxy listening", "addr", pp.Addr(), "peers", FormatAddrs(peers))
	return nil
}

// Methods are the methods the stage chose at start (what it can apply,
// and why not where it cannot).
func (s *DelayStage) Methods() netfault.Methods { return s.methods }

// Detection is what the kernel could do when the stage started.
func (s *DelayStage) Detection() Detection { return s.det }

// Interface is the name of the interface whose egress the stage shapes.
func (s *DelayStage) Interface() string { return s.link.Attrs().Name }

// ProxyStats are the proxy's counters (zero without the proxy path).
func (s *DelayStage) ProxyStats() linkproxy.Stats {
	if s.proxy == nil {
		return linkproxy.Stats{}
	}
	return s.proxy.Stats()
}

// Rules are the rules last applied.
func (s *DelayStage) Rules() NodeRules {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rules
}

// Apply makes r's delays, jitters and rates the ones in force, replacing
// the previous ones whole: a link absent from r is no longer delayed or
// limited. Applying the same rules again changes nothing. It checks
// first that every effect is valid and that the chosen methods can apply
// it, and then changes nothing if not; a kernel refusal midway can leave
// part applied (the error says which step), which the next Apply or
// Clear replaces.
func (s *DelayStage) Apply(r NodeRules) error {
	if err := checkRules(s.methods, s.peers, r); err != nil {
		return fmt.Errorf("delay stage: %w", err)
	}
	eg, err := BuildEgress(s.link.Attrs().Index, r.OutOf, s.methods.Delay == netfault.Netem)
	if err != nil {
		return fmt.Errorf("delay stage: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("delay stage: closed")
	}
	if s.proxy != nil {
		if err := s.proxy.Set(r); err != nil {
			return fmt.Errorf("delay stage: %w", err)
		}
	}
	if err := s.ns.do(func() error { return applyEgress(s.link, eg) }); err != nil {
		return fmt.Errorf("delay stage: %w", err)
	}
	s.rules = r
	s.log.Info("delay stage applied", "classes", len(eg.Classes), "into", len(r.Into), "out_of", len(r.OutOf))
	return nil
}

// checkRules says whether methods can apply r: every effect valid, every
// delay and rate of a method the stage has, and each delayed link of the
// proxy one of a redirected peer. Into's rates, and Into's delays under
// netem, are the senders' to apply (on their egress) and need nothing
// here.
func checkRules(m netfault.Methods, peers map[netip.Addr]bool, r NodeRules) error {
	for _, side := range []struct {
		name    string
		effects map[netip.Addr]netfault.Effect
		mine    bool // this node's egress: rates, and netem's delays
	}{{"into", r.Into, false}, {"out of", r.OutOf, true}} {
		for a, e := range side.effects {
			if err := e.Validate(); err != nil {
				return fmt.Errorf("%s %s: %w", side.name, a, err)
			}
			if e.Rate > 0 && side.mine && m.Rate == "" {
				return fmt.Errorf("%s %s: %v: a rate cannot be applied here (%s)", side.name, a, e, m.NoRate)
			}
			if !e.Delays() {
				continue
			}
			switch m.Delay {
			case "":
				return fmt.Errorf("%s %s: %v: a delay cannot be applied here (%s)", side.name, a, e, m.NoDelay)
			case netfault.Proxy:
				if !peers[a] {
					return fmt.Errorf("%s %s: %v: the proxy delays only the peers redirected at start (%s is not one)", side.name, a, e, a)
				}
			}
		}
	}
	return nil
}

// Clear lifts every delay and rate: [DelayStage.Apply] of the zero rules.
func (s *DelayStage) Clear() error { return s.Apply(NodeRules{}) }

// Close removes everything the stage put in the namespace: the redirect
// (new peer connections reach the node directly), the proxy (closing the
// connections through it) and the egress tree. It is idempotent.
func (s *DelayStage) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	if s.proxy != nil {
		errs = append(errs, RemoveRedirect(s.nft...), s.proxy.Close())
	}
	if err := s.ns.do(func() error { return clearEgress(s.link) }); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("delay stage: close: %w", err)
	}
	return nil
}
