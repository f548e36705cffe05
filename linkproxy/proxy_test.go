package linkproxy

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestForwardsUntouched(t *testing.T) {
	e := startEcho(t)
	p := newProxy(t, e.addr(), Options{})
	if p.Upstream() != e.addr() || !strings.HasPrefix(p.Addr(), "127.0.0.1:") {
		t.Fatalf("addr %s upstream %s", p.Addr(), p.Upstream())
	}
	c := dial(t, p.Addr())

	const size = 1 << 20
	data := make([]byte, size)
	rand.NewChaCha8([32]byte{1}).Read(data)
	errc := make(chan error, 1)
	go func() {
		_, err := c.Write(data)
		errc <- err
	}()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, size)
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read echo: %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("write: %v", err)
	}
	if sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatal("1 MiB round trip came back changed")
	}
	if s := p.Stats(); s.ChunksDelayed != 0 || s.ChunksLost != 0 {
		t.Fatalf("zero faults delayed or lost chunks: %+v", s)
	}
}

func TestCutHoldsBothWaysAndHealsInOrder(t *testing.T) {
	e := startEcho(t)
	p := newProxy(t, e.addr(), Options{})
	old := dial(t, p.Addr())
	write(t, old, "hello")
	expect(t, old, "hello")

	set(t, p, Faults{Cut: true})
	write(t, old, "held-1,")
	write(t, old, "held-2")
	expectNothing(t, old, 300*time.Millisecond)

	fresh := dial(t, p.Addr()) // TCP connect succeeds; nothing reaches the node
	write(t, fresh, "fresh")
	expectNothing(t, fresh, 300*time.Millisecond)
	eventually(t, "the new connection accepted", func() bool { return p.Stats().Accepted == 2 })
	if n := e.accepted.Load(); n != 1 {
		t.Fatalf("upstream saw %d connections during the cut, want 1", n)
	}
	if s := p.Stats(); s.Dialed != 1 {
		t.Fatalf("dialed upstream during the cut: %+v", s)
	}

	set(t, p, Faults{})
	expect(t, old, "held-1,held-2")
	expect(t, fresh, "fresh")
	if n := e.accepted.Load(); n != 2 {
		t.Fatalf("upstream saw %d connections after the heal, want 2", n)
	}
	write(t, old, "after")
	expect(t, old, "after")
}

func TestCutHoldsEachDirection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	servers := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			servers <- c
		}
	}()
	p := newProxy(t, ln.Addr().String(), Options{})
	client := dial(t, p.Addr())
	var server net.Conn
	select {
	case server = <-servers:
		defer server.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("proxy did not dial upstream")
	}

	set(t, p, Faults{Cut: true})
	write(t, server, "to-client")
	write(t, client, "to-server")
	expectNothing(t, client, 300*time.Millisecond)
	expectNothing(t, server, 300*time.Millisecond)
	set(t, p, Faults{})
	expect(t, client, "to-client")
	expect(t, server, "to-server")
}

func TestCutStopsQueuedChunks(t *testing.T) {
	e := startEcho(t)
	p := newProxy(t, e.addr(), Options{})
	c := dial(t, p.Addr())
	roundTrip(t, c)
	set(t, p, Faults{Delay: time.Second})
	write(t, c, "in-flight")
	// "in-flight" is queued with a second to wait; the cut lands before
	// it is due, so neither it nor its echo may arrive while cut.
	set(t, p, Faults{Cut: true, Delay: time.Second})
	expectNothing(t, c, 400*time.Millisecond)
	if s := p.Stats(); s.BytesUp != 1 {
		t.Fatalf("bytes went upstream during the cut: %+v", s)
	}
	set(t, p, Faults{})
	expect(t, c, "in-flight")
}

func TestDelayBothDirections(t *testing.T) {
	e := startEcho(t)
	p := newProxy(t, e.addr(), Options{})
	c := dial(t, p.Addr())
	roundTrip(t, c) // connected before the fault: it applies to open connections

	set(t, p, Faults{Delay: 100 * time.Millisecond})
	if rt := roundTrip(t, c); rt < 200*time.Millisecond || rt > 2*time.Second {
		t.Fatalf("round trip under Delay 100ms took %v, want >= 200ms", rt)
	}
	set(t, p, Faults{})
	if rt := roundTrip(t, c); rt > 2*time.Second {
		t.Fatalf("round trip after the heal took %v", rt)
	}
	if s := p.Stats(); s.ChunksDelayed != 2 {
		t.Fatalf("ChunksDelayed %d, want 2", s.ChunksDelayed)
	}
}

func TestJitterNeverReorders(t *testing.T) {
	e := startEcho(t)
	p := newProxy(t, e.addr(), Options{Seed: 3})
	set(t, p, Faults{Delay: time.Millisecond, Jitter: 40 * time.Millisecond})
	c := dial(t, p.Addr())

	const n = 100
	errc := make(chan error, 1)
	go func() {
		for i := range n {
			if _, err := fmt.Fprintf(c, "%04d\n", i); err != nil {
				errc <- err
				return
			}
			time.Sleep(time.Millisecond) // pacing, so the proxy reads many chunks
		}
		errc <- nil
	}()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	sc := bufio.NewScanner(c)
	for i := range n {
		if !sc.Scan() {
			t.Fatalf("line %d: %v", i, sc.Err())
		}
		if want := fmt.Sprintf("%04d", i); sc.Text() != want {
			t.Fatalf("line %d is %q: jitter reordered the stream", i, sc.Text())
		}
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	t.Logf("%d chunks jittered", s.ChunksDelayed)
	if s.ChunksDelayed < 4 {
		t.Fatalf("only %d chunks: the writes coalesced, the test proves little", s.ChunksDelayed)
	}
}

func TestLoss(t *testing.T) {
	e := startEcho(t)
	p := newProxy(t, e.addr(), Options{Seed: 5})
	c := dial(t, p.Addr())
	roundTrip(t, c)

	set(t, p, Faults{Loss: 1})
	if rt := roundTrip(t, c); rt < 2*RetransmitTimeout || rt > 3*time.Second {
		t.Fatalf("round trip under Loss 1 took %v, want >= %v", rt, 2*RetransmitTimeout)
	}
	if s := p.Stats(); s.ChunksLost != 2 {
		t.Fatalf("Loss 1: ChunksLost %d, want 2 (one each way)", s.ChunksLost)
	}

	set(t, p, Faults{Loss: 0})
	for range 10 {
		roundTrip(t, c)
	}
	if s := p.Stats(); s.ChunksLost != 2 {
		t.Fatalf("Loss 0 lost chunks: ChunksLost %d, want still 2", s.ChunksLost)
	}
}

func TestSetRejectsBadFaults(t *testing.T) {
	e := startEcho(t)
	p := newProxy(t, e.addr(), Options{})
	good := Faults{Delay: time.Millisecond, Loss: 0.1}
	set(t, p, good)
	for _, tc := range []struct {
		f     Faults
		field string
	}{
		{Faults{Loss: 1.5}, "Loss"},
		{Faults{Delay: -time.Second}, "Delay"},
		{Faults{Jitter: -time.Second}, "Jitter"},
	} {
		err := p.Set(tc.f)
		if err == nil || !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), p.Addr()) {
			t.Errorf("Set(%+v): %v, want an error naming %s and the proxy", tc.f, err, tc.field)
		}
	}
	if got := p.Faults(); got != good {
		t.Fatalf("a rejected Set changed the faults: %+v", got)
	}
}

func TestCloseDuringCut(t *testing.T) {
	e := startEcho(t)
	base := runtime.NumGoroutine()

	p, err := Listen(t.Context(), e.addr(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	open := dial(t, p.Addr())
	roundTrip(t, open)
	set(t, p, Faults{Cut: true})
	write(t, open, "held")
	pending := dial(t, p.Addr()) // accepted, waiting for the heal to dial
	write(t, pending, "held")
	eventually(t, "both accepted", func() bool { return p.Stats().Accepted == 2 })

	done := make(chan error, 1)
	go func() { done <- p.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("close: %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Close during a cut did not return within 1s")
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	for _, c := range []net.Conn{open, pending} {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if n, err := c.Read(make([]byte, 8)); err == nil {
			t.Fatalf("client read %d bytes after Close, want its connection closed", n)
		}
		c.Close()
	}
	if _, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
		t.Fatal("proxy still accepts after Close")
	}
	if s := p.Stats(); s.Open != 0 {
		t.Fatalf("open connections after Close: %+v", s)
	}
	var now int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if now = runtime.NumGoroutine(); now <= base {
			return
		}
	}
	buf := make([]byte, 1<<16)
	t.Fatalf("goroutines: %d before, %d after Close\n%s", base, now, buf[:runtime.Stack(buf, true)])
}

func TestStatsCountConnectionsAndBytes(t *testing.T) {
	e := startEcho(t)
	p := newProxy(t, e.addr(), Options{})
	msg := strings.Repeat("0123456789abcdef", 640) // 10 KiB
	var conns []net.Conn
	for range 3 {
		c := dial(t, p.Addr())
		write(t, c, msg)
		expect(t, c, msg)
		conns = append(conns, c)
	}
	want := int64(3 * len(msg))
	eventually(t, "byte counts", func() bool {
		s := p.Stats()
		return s.BytesUp == want && s.BytesDown == want
	})
	if s := p.Stats(); s.Accepted != 3 || s.Dialed != 3 || s.Open != 3 || s.DialErrors != 0 {
		t.Fatalf("stats %+v, want 3 accepted, dialed and open", s)
	}
	for _, c := range conns {
		c.Close()
	}
	eventually(t, "closed clients torn down", func() bool { return p.Stats().Open == 0 })
}

func TestUpstreamCloseReachesClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		io.WriteString(c, "bye")
		c.Close()
	}()
	p := newProxy(t, ln.Addr().String(), Options{})
	c := dial(t, p.Addr())
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(c)
	if err != nil || !bytes.Equal(got, []byte("bye")) {
		t.Fatalf("read %q, %v; want \"bye\" then EOF", got, err)
	}
	c.Close()
	eventually(t, "connection torn down", func() bool { return p.Stats().Open == 0 })
}

func TestDialErrorClosesClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close() // nothing listens there now
	p := newProxy(t, dead, Options{})
	c := dial(t, p.Addr())
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("client read data from a proxy whose upstream is down")
	}
	eventually(t, "the dial error counted", func() bool { return p.Stats().DialErrors == 1 })
}

func TestListenRejectsBadUpstream(t *testing.T) {
	if _, err := Listen(t.Context(), "no-port", Options{}); err == nil || !strings.Contains(err.Error(), "linkproxy") {
		t.Fatalf("Listen with a bad upstream: %v", err)
	}
}
