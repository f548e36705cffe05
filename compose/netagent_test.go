package compose

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chaos-election/chaos/compose/netctl"
	"github.com/chaos-election/chaos/netfault"
)

// testAgent serves a netctl.Agent with stand-in stages on a loopback TCP
// listener; it counts connections and can drop them all.
type testAgent struct {
	ln      net.Listener
	agent   *netctl.Agent
	conns   atomic.Int32
	mu      sync.Mutex
	open    []net.Conn
	applied chan netctl.NodeRules
}

func startTestAgent(t *testing.T, dial func(context.Context, string) error) *testAgent {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ta := &testAgent{ln: ln, applied: make(chan netctl.NodeRules, 10)}
	ta.agent = &netctl.Agent{
		Nftables: func(r netctl.NodeRules) error { ta.applied <- r; return nil },
		Show:     func() (netctl.State, error) { return netctl.State{Packets: 1}, nil },
		Dial:     dial,
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			ta.conns.Add(1)
			ta.mu.Lock()
			ta.open = append(ta.open, conn)
			ta.mu.Unlock()
			wg.Go(func() { ta.agent.ServeConn(ctx, conn) })
		}
	})
	t.Cleanup(func() { cancel(); ln.Close(); ta.dropAll(); wg.Wait() })
	return ta
}

func (ta *testAgent) dropAll() {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	for _, c := range ta.open {
		c.Close()
	}
	ta.open = nil
}

// One connection serves many requests; after the agent drops it the next
// request reconnects and succeeds.
func TestAgentClientReconnects(t *testing.T) {
	ta := startTestAgent(t, nil)
	a := newAgentClient("n1", ta.ln.Addr().String(), netDial)
	defer a.close()
	ctx := context.Background()
	rules := netctl.NodeRules{Into: map[netip.Addr]netfault.Effect{netip.MustParseAddr("10.0.0.2"): {Drop: true}}}
	for range 3 {
		if err := a.apply(ctx, rules); err != nil {
			t.Fatal(err)
		}
		if got := <-ta.applied; !got.Into[netip.MustParseAddr("10.0.0.2")].Drop {
			t.Fatalf("agent applied %v", got)
		}
	}
	if n := ta.conns.Load(); n != 1 {
		t.Errorf("%d connections for 3 requests, want 1", n)
	}
	ta.dropAll()
	time.Sleep(20 * time.Millisecond) // let the client's reader see the close (not needed for correctness: a write to the dead connection is retried too)
	if _, err := a.show(ctx); err != nil {
		t.Fatalf("show after the agent dropped the connection: %v", err)
	}
	if n := ta.conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (one reconnect)", n)
	}
}

// Requests in flight together get their own replies: an apply is not held
// up by a slow dial before it.
func TestAgentClientMatchesReplies(t *testing.T) {
	release := make(chan struct{})
	ta := startTestAgent(t, func(ctx context.Context, addr string) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	a := newAgentClient("n1", ta.ln.Addr().String(), netDial)
	defer a.close()
	ctx := context.Background()
	dialed := make(chan error, 1)
	go func() { _, err := a.dialFrom(ctx, "10.0.0.3:2380", 5*time.Second); dialed <- err }()
	time.Sleep(20 * time.Millisecond) // the dial goes first (order is not needed for correctness)
	if err := a.apply(ctx, netctl.NodeRules{}); err != nil {
		t.Fatal(err)
	}
	<-ta.applied
	select {
	case err := <-dialed:
		t.Fatalf("the dial finished before it was released: %v", err)
	default:
	}
	close(release)
	if err := <-dialed; err != nil {
		t.Fatal(err)
	}
	// A dial that fails is an error carrying the agent's reason.
	_, err := a.dialFrom(ctx, "", time.Second)
	if err == nil || !strings.Contains(err.Error(), "no address") {
		t.Errorf("dial without an address: %v", err)
	}
}

// An agent that does not answer in time fails the call; the connection is
// dropped and the next call opens a new one.
func TestAgentClientTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			defer c.Close() // never answers
		}
	}()
	a := newAgentClient("n2", ln.Addr().String(), netDial)
	defer a.close()
	for range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		err := a.apply(ctx, netctl.NodeRules{})
		cancel()
		if err == nil || !strings.Contains(err.Error(), "n2: apply rules: no reply") {
			t.Fatalf("apply to a silent agent: %v", err)
		}
	}
	if n := accepted.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (a new one after the timeout)", n)
	}
	// Nothing listening: the error says where it tried.
	ln.Close()
	if err := a.apply(context.Background(), netctl.NodeRules{}); err == nil || !strings.Contains(err.Error(), "connect to "+ln.Addr().String()) {
		t.Errorf("apply with no agent: %v", err)
	}
}
