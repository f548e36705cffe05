package netctl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync/atomic"

	"github.com/chaos-election/chaos/linkproxy"
	"github.com/chaos-election/chaos/netfault"
)

// PeerProxyOptions configure a [PeerProxy].
type PeerProxyOptions struct {
	// Listener accepts the redirected connections; the proxy owns it.
	Listener net.Listener
	// OrigDst gives an accepted connection's original destination; nil
	// is [OriginalDst] (tests inject their own).
	OrigDst func(net.Conn) (netip.AddrPort, error)
	// Dial connects to an original destination; nil is a plain
	// [net.Dialer] in the caller's namespace.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// Seed seeds the proxy's one random source (jitter).
	Seed uint64
	Log  *slog.Logger // nil = discard
}

// PeerProxy is the user-space delay of a node's network agent: a
// transparent TCP proxy ([linkproxy.Serve]) that forwards each
// connection a peer opened to the node to its original destination, and
// holds its bytes by the delay and jitter of the link they cross: what
// the peer sends by Into[peer], what the node sends back by OutOf[peer].
// Jitter never reorders bytes (each direction is a FIFO). [PeerProxy.Set]
// applies at once to open connections. Drops, loss and rates are not its
// (nftables and htb apply them to the packets). Its methods are safe for
// concurrent use.
type PeerProxy struct {
	p       *linkproxy.Proxy
	origDst func(net.Conn) (netip.AddrPort, error)
	links   atomic.Pointer[peerLinks]
}

// peerLinks are the faults of each direction, by peer.
type peerLinks struct {
	into, outOf map[netip.Addr]linkproxy.Faults
}

// NewPeerProxy starts a proxy on opts.Listener. It forwards nothing
// delayed until [PeerProxy.Set].
func NewPeerProxy(opts PeerProxyOptions) (*PeerProxy, error) {
	if opts.Listener == nil {
		return nil, errors.New("peer proxy: no listener")
	}
	pp := &PeerProxy{origDst: opts.OrigDst}
	if pp.origDst == nil {
		pp.origDst = OriginalDst
	}
	pp.links.Store(&peerLinks{})
	p, err := linkproxy.Serve(opts.Listener, pp.route, linkproxy.Options{Seed: opts.Seed, Log: opts.Log, Dial: opts.Dial})
	if err != nil {
		return nil, fmt.Errorf("peer proxy: %w", err)
	}
	pp.p = p
	return pp, nil
}

// route sends a redirected connection to its original destination,
// through the links between its peer and the node.
func (pp *PeerProxy) route(_ context.Context, c net.Conn) (linkproxy.Route, error) {
	remote, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if err != nil {
		return linkproxy.Route{}, fmt.Errorf("peer of %s: %w", c.RemoteAddr(), err)
	}
	peer := remote.Addr().Unmap()
	dst, err := pp.origDst(c)
	if err != nil {
		return linkproxy.Route{}, err
	}
	if local, err := netip.ParseAddrPort(c.LocalAddr().String()); err == nil && local.Port() == dst.Port() && local.Addr().Unmap() == dst.Addr().Unmap() {
		return linkproxy.Route{}, fmt.Errorf("connection from %s to the proxy itself (%s) was not redirected", remote, dst)
	}
	return linkproxy.Route{
		Upstream: dst.String(),
		Faults: func(d linkproxy.Dir) linkproxy.Faults {
			l := pp.links.Load()
			if d == linkproxy.Up {
				return l.into[peer]
			}
			return l.outOf[peer]
		},
	}, nil
}

// Set makes the proxy delay by r's delays and jitters, on open
// connections at once and on new ones. Effects are validated; their
// drops, losses and rates are ignored (not the proxy's).
func (pp *PeerProxy) Set(r NodeRules) error {
	into, err := proxyFaults(r.Into)
	if err != nil {
		return fmt.Errorf("peer proxy: into: %w", err)
	}
	outOf, err := proxyFaults(r.OutOf)
	if err != nil {
		return fmt.Errorf("peer proxy: out of: %w", err)
	}
	pp.links.Store(&peerLinks{into: into, outOf: outOf})
	pp.p.Notify()
	return nil
}

// proxyFaults are the delays of effects, by peer.
func proxyFaults(effects map[netip.Addr]netfault.Effect) (map[netip.Addr]linkproxy.Faults, error) {
	out := map[netip.Addr]linkproxy.Faults{}
	for a, e := range effects {
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		if e.Delays() {
			out[a.Unmap()] = linkproxy.Faults{Delay: e.Delay, Jitter: e.Jitter}
		}
	}
	return out, nil
}

// Addr is the address the proxy listens on.
func (pp *PeerProxy) Addr() string { return pp.p.Addr() }

// Stats are the proxy's counters (connections, bytes, chunks delayed).
func (pp *PeerProxy) Stats() linkproxy.Stats { return pp.p.Stats() }

// Close stops the proxy and closes every connection through it.
func (pp *PeerProxy) Close() error { return pp.p.Close() }
