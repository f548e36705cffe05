package linkproxy

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// servers is a loopback listener whose accepted connections the test
// takes one by one.
type servers struct {
	ln    net.Listener
	conns chan net.Conn
}

func startServers(t *testing.T) *servers {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &servers{ln: ln, conns: make(chan net.Conn, 16)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(s.conns)
				return
			}
			s.conns <- c
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		for c := range s.conns {
			c.Close()
		}
	})
	return s
}

func (s *servers) next(t *testing.T) net.Conn {
	t.Helper()
	select {
	case c := <-s.conns:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("the proxy did not dial upstream")
		return nil
	}
}

func serve(t *testing.T, route Router, opts Options) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Serve(ln, route, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return p
}

// dialFrom connects to addr from a loopback source address of its own.
func dialFrom(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// oneWay times one byte written on from until it is read on to.
func oneWay(t *testing.T, from, to net.Conn) time.Duration {
	t.Helper()
	start := time.Now()
	write(t, from, "x")
	expect(t, to, "x")
	return time.Since(start)
}

// dirFaults is a FaultsFunc a test changes while connections are open.
type dirFaults struct {
	mu       sync.Mutex
	up, down Faults
}

func (d *dirFaults) set(up, down Faults) {
	d.mu.Lock()
	d.up, d.down = up, down
	d.mu.Unlock()
}

func (d *dirFaults) get(dir Dir) Faults {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dir == Up {
		return d.up
	}
	return d.down
}

func TestServeRoutesEachConnectionByItsSource(t *testing.T) {
	a, b := startEcho(t), startEcho(t)
	p := serve(t, func(_ context.Context, c net.Conn) (Route, error) {
		if strings.HasPrefix(c.RemoteAddr().String(), "127.0.0.2:") {
			return Route{Upstream: a.addr()}, nil
		}
		return Route{Upstream: b.addr()}, nil
	}, Options{})
	if p.Upstream() != "" {
		t.Fatalf("Upstream of a served proxy = %q, want \"\"", p.Upstream())
	}
	for _, src := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.3"} {
		roundTrip(t, dialFrom(t, src, p.Addr()))
	}
	if a.accepted.Load() != 1 || b.accepted.Load() != 2 {
		t.Fatalf("upstream a saw %d connections, b %d; want 1 and 2", a.accepted.Load(), b.accepted.Load())
	}
}

func TestServeDelaysEachDirectionByItsOwnFaults(t *testing.T) {
	srv := startServers(t)
	var df dirFaults
	p := serve(t, func(context.Context, net.Conn) (Route, error) {
		return Route{Upstream: srv.ln.Addr().String(), Faults: df.get}, nil
	}, Options{})
	client := dial(t, p.Addr())
	server := srv.next(t)
	oneWay(t, client, server) // open before any fault

	const d = 100 * time.Millisecond
	df.set(Faults{Delay: d}, Faults{}) // no Notify: delays apply at the next chunk
	if up := oneWay(t, client, server); up < d {
		t.Errorf("up under an up delay of %v took %v", d, up)
	}
	if down := oneWay(t, server, client); down >= d {
		t.Errorf("down without a delay took %v", down)
	}
	df.set(Faults{}, Faults{Delay: d})
	if up := oneWay(t, client, server); up >= d {
		t.Errorf("up after its delay was lifted took %v", up)
	}
	if down := oneWay(t, server, client); down < d {
		t.Errorf("down under a down delay of %v took %v", d, down)
	}
}

func TestServeCutWaitsForNotify(t *testing.T) {
	srv := startServers(t)
	var df dirFaults
	p := serve(t, func(context.Context, net.Conn) (Route, error) {
		return Route{Upstream: srv.ln.Addr().String(), Faults: df.get}, nil
	}, Options{})
	client := dial(t, p.Addr())
	server := srv.next(t)
	df.set(Faults{Cut: true}, Faults{})
	write(t, client, "held")
	write(t, server, "free")
	expect(t, client, "free") // only the up direction is cut
	expectNothing(t, server, 200*time.Millisecond)
	df.set(Faults{}, Faults{})
	p.Notify()
	expect(t, server, "held")
}

func TestServeRouteErrorClosesTheClient(t *testing.T) {
	p := serve(t, func(context.Context, net.Conn) (Route, error) {
		return Route{}, errors.New("no original destination")
	}, Options{})
	c := dial(t, p.Addr())
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("client read data through a refused route")
	}
	eventually(t, "the route error counted", func() bool {
		s := p.Stats()
		return s.RouteErrors == 1 && s.Open == 0 && s.Dialed == 0
	})
}

func TestServeDialsThroughOptionsDial(t *testing.T) {
	e := startEcho(t)
	var dials atomic.Int64
	p := serve(t, func(context.Context, net.Conn) (Route, error) {
		return Route{Upstream: "upstream.invalid:1"}, nil // only the dialer knows it
	}, Options{Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		if address != "upstream.invalid:1" {
			return nil, errors.New("unexpected address " + address)
		}
		dials.Add(1)
		var d net.Dialer
		return d.DialContext(ctx, network, e.addr())
	}})
	roundTrip(t, dial(t, p.Addr()))
	if dials.Load() != 1 {
		t.Fatalf("Options.Dial called %d times, want 1", dials.Load())
	}
}

func TestServeRejectsMissingParts(t *testing.T) {
	if _, err := Serve(nil, func(context.Context, net.Conn) (Route, error) { return Route{}, nil }, Options{}); err == nil {
		t.Error("Serve without a listener")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := Serve(ln, nil, Options{}); err == nil || !strings.Contains(err.Error(), "router") {
		t.Errorf("Serve without a router: %v", err)
	}
}
