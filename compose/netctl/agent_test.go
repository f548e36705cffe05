package netctl

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/netfault"
)

// recorder stands in for the kernel: it records the stages called.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
}

func (r *recorder) got() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.calls, " ")
}

func TestAgentApplyStages(t *testing.T) {
	var rec recorder
	a := &Agent{
		Nftables: func(r NodeRules) error { rec.add("nftables"); return nil },
		Stage:    func(r NodeRules) error { rec.add("stage"); return nil },
	}
	rules := NodeRules{Into: map[netip.Addr]netfault.Effect{a2: {Drop: true}}}
	rep := a.Handle(context.Background(), Request{Seq: 5, Op: OpApply, Rules: &rules})
	if !rep.OK || rep.Seq != 5 || rec.got() != "nftables stage" {
		t.Fatalf("apply: %+v, stages %q", rep, rec.got())
	}
	if got := a.Rules(); !got.Into[a2].Drop {
		t.Errorf("Rules = %v", got)
	}
	// nftables failing: the further stage is not reached, the rules kept.
	a.Nftables = func(NodeRules) error { return errors.New("operation not permitted") }
	rep = a.Handle(context.Background(), Request{Seq: 6, Op: OpApply})
	if rep.OK || !strings.Contains(rep.Error, "operation not permitted") || rec.got() != "nftables stage" || !a.Rules().Into[a2].Drop {
		t.Errorf("failing nftables: %+v, stages %q, rules %v", rep, rec.got(), a.Rules())
	}
}

// The default stage refuses delays and rates, naming them, after the
// drops and loss are in force.
func TestAgentRefusesDelays(t *testing.T) {
	var rec recorder
	a := &Agent{Nftables: func(NodeRules) error { rec.add("nftables"); return nil }}
	rules := NodeRules{
		Into:  map[netip.Addr]netfault.Effect{a2: {Drop: true}},
		OutOf: map[netip.Addr]netfault.Effect{a3: {Delay: 300 * time.Millisecond}, a4: {Rate: 1000}},
	}
	rep := a.Handle(context.Background(), Request{Op: OpApply, Rules: &rules})
	for _, want := range []string{"delay: this agent was started without a delay stage", "10.0.0.3", "rate: this agent was started without a delay stage", "10.0.0.4"} {
		if !strings.Contains(rep.Error, want) {
			t.Errorf("apply with a delay: %q lacks %q", rep.Error, want)
		}
	}
	if rec.got() != "nftables" {
		t.Errorf("stages %q", rec.got())
	}
	if err := Unshaped(NodeRules{Into: map[netip.Addr]netfault.Effect{a2: {Loss: 0.5}}}); err != nil {
		t.Errorf("Unshaped refused a loss: %v", err)
	}
}

func TestAgentOps(t *testing.T) {
	var dialled []string
	a := &Agent{
		Show: func() (State, error) { return State{Drop: []netip.Addr{a2}, Packets: 3}, nil },
		Dial: func(ctx context.Context, addr string) error {
			dialled = append(dialled, addr)
			if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > DefaultDialTimeout {
				return errors.New("no deadline")
			}
			return nil
		},
	}
	ctx := context.Background()
	if rep := a.Handle(ctx, Request{Seq: 1, Op: OpShow}); !rep.OK || rep.State == nil || rep.State.Packets != 3 {
		t.Errorf("show: %+v", rep)
	}
	if rep := a.Handle(ctx, Request{Seq: 2, Op: OpDial, Addr: "10.0.0.3:2380"}); !rep.OK || len(dialled) != 1 || rep.Took <= 0 {
		t.Errorf("dial: %+v %v", rep, dialled)
	}
	if rep := a.Handle(ctx, Request{Seq: 3, Op: OpDial}); rep.OK || !strings.Contains(rep.Error, "no address") {
		t.Errorf("dial without an address: %+v", rep)
	}
	if rep := a.Handle(ctx, Request{Seq: 4, Op: "cut"}); rep.OK || !strings.Contains(rep.Error, `unknown op "cut"`) {
		t.Errorf("unknown op: %+v", rep)
	}
}

// Over a connection: a bad line is answered and the stream goes on; a
// slow dial does not hold up an apply sent after it; applies keep their
// order.
func TestAgentServeConn(t *testing.T) {
	var rec recorder
	release := make(chan struct{})
	a := &Agent{
		Nftables: func(r NodeRules) error { rec.add(r.Into[a2].String()); return nil },
		Stage:    func(NodeRules) error { return nil },
		Dial:     func(ctx context.Context, addr string) error { <-release; return nil },
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	harness, agent := net.Pipe()
	done := make(chan struct{})
	go func() { defer close(done); a.ServeConn(ctx, agent) }()
	br := bufio.NewReader(harness)
	replies := make(chan Reply, 10)
	go func() {
		for {
			var r Reply
			if err := ReadLine(br, &r); err != nil {
				close(replies)
				return
			}
			replies <- r
		}
	}()
	send := func(line string) {
		if _, err := harness.Write([]byte(line + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	send(`{"seq":1,"op":"dial","addr":"10.0.0.3:1"}`)
	send(`garbage`)
	send(`{"seq":2,"op":"apply","rules":{"into":{"10.0.0.2":{"drop":true}}}}`)
	send(`{"seq":3,"op":"apply","rules":{"into":{"10.0.0.2":{"loss":0.5}}}}`)
	var order []uint64
	for range 3 {
		r := <-replies
		order = append(order, r.Seq)
		if r.Seq == 0 && !strings.Contains(r.Error, "bad protocol line") {
			t.Errorf("reply to garbage: %+v", r)
		}
	}
	close(release)
	order = append(order, (<-replies).Seq)
	if got := order; len(got) != 4 || got[0] != 0 || got[1] != 2 || got[2] != 3 || got[3] != 1 {
		t.Errorf("replies in order %v, want the bad line's, 2, 3, then the dial's 1", got)
	}
	if rec.got() != "drop loss 50%" {
		t.Errorf("applies in order %q", rec.got())
	}
	harness.Close()
	<-done
}

// Serve stops when its context ends.
func TestAgentServeStops(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- (&Agent{Show: func() (State, error) { return State{}, nil }}).Serve(ctx, ln) }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteLine(conn, Request{Seq: 1, Op: OpShow}); err != nil {
		t.Fatal(err)
	}
	var r Reply
	if err := ReadLine(bufio.NewReader(conn), &r); err != nil || !r.OK {
		t.Fatalf("show over TCP: %+v, %v", r, err)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Serve = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not stop")
	}
	conn.Close()
}

// A ping times a request and its reply to another agent, data both ways
// (not the connect); an address nobody answers fails it; show reports the
// agent's methods.
func TestAgentPingAndMethods(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// The far agent: its echo is held 30 ms, as a delayed link would.
	held := &heldListener{Listener: ln, hold: 30 * time.Millisecond}
	far := &Agent{}
	go far.Serve(ctx, held)
	near := &Agent{Methods: netfault.Methods{Delay: netfault.Proxy, Rate: netfault.HTB}, Show: func() (State, error) { return State{}, nil }}
	rep := near.Handle(ctx, Request{Seq: 1, Op: OpPing, Addr: ln.Addr().String(), Timeout: Duration(2 * time.Second)})
	if !rep.OK || time.Duration(rep.Took) < 30*time.Millisecond || time.Duration(rep.Took) > time.Second {
		t.Fatalf("ping: %+v", rep)
	}
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := dead.Addr().String()
	dead.Close()
	if rep := near.Handle(ctx, Request{Seq: 2, Op: OpPing, Addr: addr, Timeout: Duration(200 * time.Millisecond)}); rep.OK || !strings.Contains(rep.Error, "ping "+addr) {
		t.Fatalf("ping of nobody: %+v", rep)
	}
	if rep := near.Handle(ctx, Request{Seq: 3, Op: OpShow}); !rep.OK || rep.Methods == nil || rep.Methods.Delay != netfault.Proxy {
		t.Fatalf("show: %+v", rep)
	}
}

// heldListener's connections hold every write hold long, after the
// connect: a link delayed one way.
type heldListener struct {
	net.Listener
	hold time.Duration
}

func (l *heldListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &heldConn{Conn: c, hold: l.hold}, nil
}

type heldConn struct {
	net.Conn
	hold time.Duration
}

func (c *heldConn) Write(b []byte) (int, error) {
	time.Sleep(c.hold)
	return c.Conn.Write(b)
}
