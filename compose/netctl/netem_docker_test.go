//go:build docker

package netctl

import (
	"net/netip"
	"testing"
	"time"

	"github.com/chaos-election/chaos/netfault"
)

// This kernel has no netem: the netem leaf is tested as data only
// (netem_test.go), and here only for the refusal.

// Where netem is missing, forcing it fails at Apply with the kernel's
// refusal, naming netem.
func TestDelayStageForcedNetemInNetns(t *testing.T) {
	h := newTwoHosts(t)
	if DetectIn(h.node.h).Netem == nil {
		t.Skip("this kernel has netem")
	}
	s, err := NewDelayStage(t.Context(), DelayOptions{Node: nodeIP, Delay: netfault.Netem, NetNS: h.node.h})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Apply(NodeRules{OutOf: map[netip.Addr]netfault.Effect{peerA: {Delay: 10 * time.Millisecond}}})
	t.Logf("forced netem: %v", err)
	if err == nil {
		t.Fatal("a netem delay was applied on a kernel without netem")
	}
}

// Where the kernel has netem (not here: skipped), the kernel path for
// real: a netem leaf under the receiver's class delays what the node
// sends to one peer, changed in place and cleared.
func TestDelayStageNetemInNetns(t *testing.T) {
	h := newTwoHosts(t)
	if err := DetectIn(h.node.h).Netem; err != nil {
		t.Skipf("this kernel has no netem: %v", err)
	}
	echoA := startEchoIn(t, h.peers, netip.AddrPortFrom(peerA, 7002))
	echoB := startEchoIn(t, h.peers, netip.AddrPortFrom(peerB, 7002))
	s, err := NewDelayStage(t.Context(), DelayOptions{Node: nodeIP, Peers: []netip.Addr{peerA, peerB}, NetNS: h.node.h})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m := s.Methods(); m.Delay != netfault.Netem {
		t.Fatalf("methods %+v, want delay by netem", m)
	}
	a := dialIn(t, h.node, nodeIP, echoA.addr)
	b := dialIn(t, h.node, nodeIP, echoB.addr)
	for _, d := range []time.Duration{100 * time.Millisecond, 50 * time.Millisecond} {
		if err := s.Apply(NodeRules{OutOf: map[netip.Addr]netfault.Effect{peerA: {Delay: d}}}); err != nil {
			t.Fatal(err)
		}
		got := rtt(t, a, 5)
		t.Logf("round trip to %s under netem %v out: %v", peerA, d, got)
		if got < d || got > d+50*time.Millisecond {
			t.Errorf("round trip to %s = %v, want %v (+ up to 50ms)", peerA, got, d)
		}
		if got := rtt(t, b, 5); got > 50*time.Millisecond {
			t.Errorf("round trip to %s (not delayed) = %v", peerB, got)
		}
	}
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	if got := rtt(t, a, 5); got > 50*time.Millisecond {
		t.Errorf("round trip to %s after Clear = %v", peerA, got)
	}
}
