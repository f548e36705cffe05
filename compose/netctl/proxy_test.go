package netctl

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/netfault"
)

// The proxy on loopback, without root: the "node" is a listener on
// 127.0.0.1, the peers dial from 127.0.0.2 and 127.0.0.3, and the
// original destination (which a redirect would leave in conntrack) is
// injected: always the node.

var (
	loPeerA = netip.MustParseAddr("127.0.0.2")
	loPeerB = netip.MustParseAddr("127.0.0.3")
)

type loopbackNode struct {
	ln    net.Listener
	conns chan net.Conn
}

func startLoopbackNode(t *testing.T) *loopbackNode {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n := &loopbackNode{ln: ln, conns: make(chan net.Conn, 8)}
	go func() {
		defer close(n.conns)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.conns <- c
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		for c := range n.conns {
			c.Close()
		}
	})
	return n
}

func (n *loopbackNode) accept(t *testing.T) net.Conn {
	t.Helper()
	select {
	case c := <-n.conns:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("the proxy did not connect to the node")
		return nil
	}
}

func startPeerProxy(t *testing.T, node *loopbackNode, seed uint64) *PeerProxy {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dst := netip.MustParseAddrPort(node.ln.Addr().String())
	pp, err := NewPeerProxy(PeerProxyOptions{
		Listener: ln,
		OrigDst:  func(net.Conn) (netip.AddrPort, error) { return dst, nil },
		Seed:     seed,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := pp.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return pp
}

// connectPeer opens a connection from peer through the proxy and returns
// both ends: the peer's and the node's.
func connectPeer(t *testing.T, pp *PeerProxy, node *loopbackNode, peer netip.Addr) (peerEnd, nodeEnd net.Conn) {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(peer, 0))}
	c, err := d.Dial("tcp4", pp.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, node.accept(t)
}

// crossing times one byte written on from until it is read on to.
func crossing(t *testing.T, from, to net.Conn) time.Duration {
	t.Helper()
	start := time.Now()
	if _, err := from.Write([]byte{'x'}); err != nil {
		t.Fatalf("write: %v", err)
	}
	to.SetReadDeadline(time.Now().Add(5 * time.Second))
	defer to.SetReadDeadline(time.Time{})
	b := make([]byte, 1)
	if _, err := io.ReadFull(to, b); err != nil {
		t.Fatalf("read: %v", err)
	}
	return time.Since(start)
}

func setRules(t *testing.T, pp *PeerProxy, r NodeRules) {
	t.Helper()
	if err := pp.Set(r); err != nil {
		t.Fatal(err)
	}
}

func TestPeerProxyDelaysEachDirectionOfOnePeer(t *testing.T) {
	node := startLoopbackNode(t)
	pp := startPeerProxy(t, node, 1)
	aPeer, aNode := connectPeer(t, pp, node, loPeerA)
	bPeer, bNode := connectPeer(t, pp, node, loPeerB)
	crossing(t, aPeer, aNode) // both open before any delay

	const d = 100 * time.Millisecond
	fast := d // what the proxy holds takes at least d; what it does not, far less
	delayed := netfault.Effect{Delay: d}

	// Into[A]: what A sends the node waits; nothing else does.
	setRules(t, pp, NodeRules{Into: map[netip.Addr]netfault.Effect{loPeerA: delayed}})
	if got := crossing(t, aPeer, aNode); got < d {
		t.Errorf("A → node under Into[A] = %v took %v", d, got)
	}
	if got := crossing(t, aNode, aPeer); got >= fast {
		t.Errorf("node → A without OutOf[A] took %v", got)
	}
	if got := crossing(t, bPeer, bNode); got >= fast {
		t.Errorf("B → node (B not delayed) took %v", got)
	}

	// OutOf[A], on the same open connection: now the other way waits.
	setRules(t, pp, NodeRules{OutOf: map[netip.Addr]netfault.Effect{loPeerA: delayed}})
	if got := crossing(t, aPeer, aNode); got >= fast {
		t.Errorf("A → node after Into[A] was lifted took %v", got)
	}
	if got := crossing(t, aNode, aPeer); got < d {
		t.Errorf("node → A under OutOf[A] = %v took %v", d, got)
	}
	if got := crossing(t, bNode, bPeer); got >= fast {
		t.Errorf("node → B (B not delayed) took %v", got)
	}

	setRules(t, pp, NodeRules{})
	if got := crossing(t, aNode, aPeer); got >= fast {
		t.Errorf("node → A after the clear took %v", got)
	}
	if s := pp.Stats(); s.Accepted != 2 || s.Dialed != 2 || s.ChunksDelayed != 2 {
		t.Errorf("stats %+v: want 2 connections and 2 chunks delayed", s)
	}
}

func TestPeerProxyIgnoresWhatIsNotADelay(t *testing.T) {
	node := startLoopbackNode(t)
	pp := startPeerProxy(t, node, 1)
	aPeer, aNode := connectPeer(t, pp, node, loPeerA)
	setRules(t, pp, NodeRules{
		Into:  map[netip.Addr]netfault.Effect{loPeerA: {Loss: 0.9, Rate: 10}},
		OutOf: map[netip.Addr]netfault.Effect{loPeerA: {Drop: true}},
	})
	for range 5 {
		if got := crossing(t, aPeer, aNode); got >= 100*time.Millisecond {
			t.Fatalf("loss and rate (nftables' and htb's) held a chunk %v", got)
		}
		if got := crossing(t, aNode, aPeer); got >= 100*time.Millisecond {
			t.Fatalf("a drop (nftables') held a chunk %v", got)
		}
	}
}

func TestPeerProxyJitterKeepsTheOrder(t *testing.T) {
	node := startLoopbackNode(t)
	pp := startPeerProxy(t, node, 7)
	aPeer, aNode := connectPeer(t, pp, node, loPeerA)
	setRules(t, pp, NodeRules{Into: map[netip.Addr]netfault.Effect{loPeerA: {Delay: time.Millisecond, Jitter: 30 * time.Millisecond}}})
	const n = 60
	errc := make(chan error, 1)
	go func() {
		for i := range n {
			if _, err := fmt.Fprintf(aPeer, "%03d\n", i); err != nil {
				errc <- err
				return
			}
			time.Sleep(time.Millisecond)
		}
		errc <- nil
	}()
	aNode.SetReadDeadline(time.Now().Add(10 * time.Second))
	sc := bufio.NewScanner(aNode)
	for i := range n {
		if !sc.Scan() {
			t.Fatalf("line %d: %v", i, sc.Err())
		}
		if want := fmt.Sprintf("%03d", i); sc.Text() != want {
			t.Fatalf("line %d is %q: jitter reordered the stream", i, sc.Text())
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if s := pp.Stats(); s.ChunksDelayed < 4 {
		t.Fatalf("only %d chunks jittered: the test proves little", s.ChunksDelayed)
	}
}

func TestPeerProxyRefusesAConnectionNotRedirected(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	self := netip.MustParseAddrPort(ln.Addr().String())
	pp, err := NewPeerProxy(PeerProxyOptions{
		Listener: ln,
		OrigDst:  func(net.Conn) (netip.AddrPort, error) { return self, nil }, // as conntrack says of a direct connection
	})
	if err != nil {
		t.Fatal(err)
	}
	defer pp.Close()
	c, err := net.DialTimeout("tcp4", pp.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("a connection to the proxy itself was forwarded")
	}
	for deadline := time.Now().Add(5 * time.Second); pp.Stats().RouteErrors != 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v, want one route error", pp.Stats())
		}
	}
	if s := pp.Stats(); s.Dialed != 0 {
		t.Fatalf("dialed %d: it would have looped into itself", s.Dialed)
	}
}

func TestPeerProxySetRejectsInvalidEffects(t *testing.T) {
	node := startLoopbackNode(t)
	pp := startPeerProxy(t, node, 1)
	err := pp.Set(NodeRules{OutOf: map[netip.Addr]netfault.Effect{loPeerA: {Jitter: -time.Second}}})
	if err == nil || !strings.Contains(err.Error(), "jitter") || !strings.Contains(err.Error(), "127.0.0.2") {
		t.Fatalf("Set with a negative jitter: %v, want an error naming the jitter and the peer", err)
	}
	if _, err := NewPeerProxy(PeerProxyOptions{}); err == nil {
		t.Fatal("NewPeerProxy without a listener")
	}
}
