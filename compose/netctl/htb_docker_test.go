//go:build docker

package netctl

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/chaos-election/chaos/netfault"
	"github.com/vishvananda/netlink"
)

// sinkIn is a server in ns at addr that reads each connection to its
// end and reports how many bytes it read and between which instants
// (first byte, last byte).
type sinkResult struct {
	n           int64
	first, last time.Time
}

func sinkIn(t *testing.T, ns netNS, at netip.AddrPort) <-chan sinkResult {
	t.Helper()
	ln, err := ns.listen(context.Background(), at.String())
	if err != nil {
		t.Fatalf("listen on %s: %v", at, err)
	}
	t.Cleanup(func() { ln.Close() })
	out := make(chan sinkResult, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				var r sinkResult
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						if r.n == 0 {
							r.first = time.Now()
						}
						r.n += int64(n)
						r.last = time.Now()
					}
					if err != nil {
						out <- r
						return
					}
				}
			}()
		}
	}()
	return out
}

// send writes size bytes from the node to dst and returns the rate the
// receiver saw them at (bytes per second, first byte to last).
func send(t *testing.T, h *twoHosts, sink <-chan sinkResult, dst netip.AddrPort, size int) float64 {
	t.Helper()
	c := dialIn(t, h.node, nodeIP, dst)
	if _, err := c.Write(make([]byte, size)); err != nil {
		t.Fatalf("send to %s: %v", dst, err)
	}
	c.Close()
	select {
	case r := <-sink:
		if r.n != int64(size) {
			t.Fatalf("%s read %d bytes, want %d", dst, r.n, size)
		}
		return float64(r.n) / r.last.Sub(r.first).Seconds()
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not finish reading", dst)
		return 0
	}
}

// The rate path for real: htb on the node's eth0 limits what it sends to
// one peer to about the asked rate, and nothing else.
func TestDelayStageRateInNetns(t *testing.T) {
	h := newTwoHosts(t)
	toA := sinkIn(t, h.peers, netip.AddrPortFrom(peerA, 7001))
	toHarness := sinkIn(t, h.peers, netip.AddrPortFrom(harnessIP, 7001))
	s, err := NewDelayStage(t.Context(), DelayOptions{Node: nodeIP, Peers: []netip.Addr{peerA, peerB}, NetNS: h.node.h})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Methods().Rate != netfault.HTB {
		t.Fatalf("methods %+v, want rate by htb", s.Methods())
	}

	const rate = 1_000_000 // bytes per second
	const size = 3_000_000 // three seconds' worth
	limited := NodeRules{OutOf: map[netip.Addr]netfault.Effect{peerA: {Rate: rate}}}
	for range 2 { // idempotent
		if err := s.Apply(limited); err != nil {
			t.Fatal(err)
		}
	}
	st := egressState(t, h)
	if len(st.Classes) != 1 || st.Classes[0].Rate != rate || len(st.Filters) != 1 || st.Filters[peerA] != st.Classes[0].Handle {
		t.Fatalf("egress after Apply twice = %+v, want one class at %d B/s and %s filtered into it", st, rate, peerA)
	}
	got := send(t, h, toA, netip.AddrPortFrom(peerA, 7001), size)
	t.Logf("to %s under rate %d B/s: %.0f B/s (%.1f%%)", peerA, rate, got, 100*got/rate)
	if got < 0.85*rate || got > 1.15*rate {
		t.Errorf("to %s: %.0f B/s, want %d ± 15%%", peerA, got, rate)
	}
	free := send(t, h, toHarness, netip.AddrPortFrom(harnessIP, 7001), size)
	t.Logf("to the harness %s, unshaped: %.0f B/s", harnessIP, free)
	if free < 10*rate {
		t.Errorf("to the harness: %.0f B/s, want it unshaped (well above %d)", free, rate)
	}

	// Replace: peer B joins at a doubled rate, sharing one class with A.
	both := NodeRules{OutOf: map[netip.Addr]netfault.Effect{peerA: {Rate: 2 * rate}, peerB: {Rate: 2 * rate}}}
	if err := s.Apply(both); err != nil {
		t.Fatal(err)
	}
	st = egressState(t, h)
	if len(st.Classes) != 1 || st.Classes[0].Rate != 2*rate || len(st.Filters) != 2 ||
		st.Filters[peerA] != st.Classes[0].Handle || st.Filters[peerB] != st.Classes[0].Handle {
		t.Fatalf("egress after the replace = %+v, want one class at %d B/s for both peers", st, 2*rate)
	}
	got = send(t, h, toA, netip.AddrPortFrom(peerA, 7001), size)
	t.Logf("to %s under rate %d B/s: %.0f B/s (%.1f%%)", peerA, 2*rate, got, 100*got/(2*rate))
	if got < 0.85*2*rate || got > 1.15*2*rate {
		t.Errorf("to %s: %.0f B/s, want %d ± 15%%", peerA, got, 2*rate)
	}

	// Apart again: two classes; then Clear removes the tree.
	if err := s.Apply(NodeRules{OutOf: map[netip.Addr]netfault.Effect{peerA: {Rate: rate}, peerB: {Rate: 2 * rate}}}); err != nil {
		t.Fatal(err)
	}
	if st = egressState(t, h); len(st.Classes) != 2 || len(st.Filters) != 2 || st.Filters[peerA] == st.Filters[peerB] {
		t.Fatalf("egress with two rates = %+v, want two classes, one per peer", st)
	}
	for range 2 {
		if err := s.Clear(); err != nil {
			t.Fatal(err)
		}
	}
	if st = egressState(t, h); len(st.Classes) != 0 || len(st.Filters) != 0 {
		t.Fatalf("egress after Clear = %+v, want none", st)
	}
	got = send(t, h, toA, netip.AddrPortFrom(peerA, 7001), size)
	t.Logf("to %s after Clear: %.0f B/s", peerA, got)
	if got < 10*rate {
		t.Errorf("to %s after Clear: %.0f B/s, still limited", peerA, got)
	}
}

// egressState reads netctl's tree on the node's eth0.
func egressState(t *testing.T, h *twoHosts) EgressState {
	t.Helper()
	var st EgressState
	err := h.node.do(func() error {
		l, err := netlink.LinkByName("eth0")
		if err != nil {
			return err
		}
		st, err = currentEgress(l)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}
