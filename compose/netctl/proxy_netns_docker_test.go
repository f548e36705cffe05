//go:build docker

package netctl

import (
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// Two hosts on one wire, as a node and its peers are on a compose
// network: the node's namespace, whose eth0 holds nodeIP, and a second
// namespace, the other end of the veth, holding the peers' addresses and
// the harness's (the bridge gateway's stand-in). As in inNewNetns, the
// namespaces are the test's own; nothing touches the host's.
var (
	nodeIP    = netip.MustParseAddr("10.99.1.1")
	peerA     = netip.MustParseAddr("10.99.1.2") // the peer the tests delay or limit
	peerB     = netip.MustParseAddr("10.99.1.3") // a peer left healthy
	harnessIP = netip.MustParseAddr("10.99.1.254")
)

type twoHosts struct {
	node, peers netNS
}

// newTwoHosts makes the namespaces and the wire, removed at the end of
// the test.
func newTwoHosts(t *testing.T) *twoHosts {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("netctl integration tests need root (CAP_NET_ADMIN) to create network namespaces")
	}
	h := &twoHosts{node: netNS{h: newNetns(t)}, peers: netNS{h: newNetns(t)}}
	err := h.node.do(func() error {
		veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "eth0"}, PeerName: "wire0"}
		if err := netlink.LinkAdd(veth); err != nil {
			return err
		}
		wire, err := netlink.LinkByName("wire0")
		if err != nil {
			return err
		}
		if err := netlink.LinkSetNsFd(wire, int(h.peers.h)); err != nil {
			return err
		}
		return upWith("eth0", nodeIP)
	})
	if err == nil {
		err = h.peers.do(func() error { return upWith("wire0", peerA, peerB, harnessIP) })
	}
	if err != nil {
		t.Fatalf("set up the two hosts: %v", err)
	}
	return h
}

// newNetns makes a network namespace without moving the test's thread
// into it, closed at the end of the test (which frees it).
func newNetns(t *testing.T) netns.NsHandle {
	t.Helper()
	type result struct {
		ns  netns.NsHandle
		err error
	}
	c := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			c <- result{err: err}
			return // the thread ends locked: dropped
		}
		defer orig.Close()
		ns, err := netns.New()
		if err == nil && netns.Set(orig) == nil {
			runtime.UnlockOSThread()
		}
		c <- result{ns, err}
	}()
	r := <-c
	if r.err != nil {
		t.Fatalf("new netns: %v", r.err)
	}
	t.Cleanup(func() { r.ns.Close() })
	return r.ns
}

// upWith brings lo and the link name up, the link with addrs (/24).
func upWith(name string, addrs ...netip.Addr) error {
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return err
	}
	if err := netlink.LinkSetUp(lo); err != nil {
		return err
	}
	l, err := netlink.LinkByName(name)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if err := netlink.AddrAdd(l, &netlink.Addr{IPNet: &net.IPNet{IP: a.AsSlice(), Mask: net.CIDRMask(24, 32)}}); err != nil {
			return err
		}
	}
	return netlink.LinkSetUp(l)
}

// dialFromPeers connects from src, in the peers' namespace, to dst.
func (h *twoHosts) dialFromPeers(t *testing.T, src netip.Addr, dst netip.AddrPort) net.Conn {
	t.Helper()
	return dialIn(t, h.peers, src, dst)
}

func dialIn(t *testing.T, ns netNS, src netip.Addr, dst netip.AddrPort) net.Conn {
	t.Helper()
	var c net.Conn
	err := ns.do(func() error {
		d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(src, 0))}
		var err error
		c, err = d.Dial("tcp4", dst.String())
		return err
	})
	if err != nil {
		t.Fatalf("dial %s from %s: %v", dst, src, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// echoServer echoes every connection and records who each came from
// (as the server sees it).
type echoServer struct {
	addr netip.AddrPort
	mu   sync.Mutex
	from []netip.Addr
}

func startEchoIn(t *testing.T, ns netNS, at netip.AddrPort) *echoServer {
	t.Helper()
	ln, err := ns.listen(context.Background(), at.String())
	if err != nil {
		t.Fatalf("listen on %s: %v", at, err)
	}
	e := &echoServer{addr: at}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			from := netip.MustParseAddrPort(c.RemoteAddr().String()).Addr()
			e.mu.Lock()
			e.from = append(e.from, from)
			e.mu.Unlock()
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { io.Copy(c, c); c.Close() })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return e
}

// waitFrom waits until the server has accepted n connections and
// returns the source of each as the server saw it, in the order it
// accepted them.
func (e *echoServer) waitFrom(t *testing.T, n int) []netip.Addr {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		e.mu.Lock()
		from := slices.Clone(e.from)
		e.mu.Unlock()
		if len(from) >= n {
			return from
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server accepted %d connections (%v), want %d", len(from), from, n)
		}
	}
}

// rtt is the median of n one-byte round trips on c.
func rtt(t *testing.T, c net.Conn, n int) time.Duration {
	t.Helper()
	ds := make([]time.Duration, n)
	b := make([]byte, 1)
	for i := range ds {
		start := time.Now()
		if _, err := c.Write([]byte{'x'}); err != nil {
			t.Fatalf("write: %v", err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(c, b); err != nil {
			t.Fatalf("read: %v", err)
		}
		ds[i] = time.Since(start)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[n/2]
}
