package linkproxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
)

// Dir is one direction of a proxied connection.
type Dir int

const (
	// Up is what the client sends, towards the upstream.
	Up Dir = iota
	// Down is what the upstream sends back, towards the client.
	Down
)

func (d Dir) String() string {
	if d == Down {
		return "down"
	}
	return "up"
}

// FaultsFunc returns the faults in force now on one direction of one
// connection. The proxy calls it for every chunk it reads (and while a
// direction waits out a cut), so what it returns applies at once to the
// connections already open; it must be cheap and safe for concurrent use.
type FaultsFunc func(Dir) Faults

// Route is where one accepted connection goes and what it suffers.
type Route struct {
	// Upstream is the "host:port" the proxy dials for this connection.
	Upstream string
	// Faults gives the faults of each direction; nil means the proxy's
	// own ([Proxy.Set]) on both.
	Faults FaultsFunc
}

// Router decides the [Route] of each accepted connection, once, before
// the proxy dials upstream. ctx is done when the connection or the proxy
// is torn down. An error closes the client's connection (counted in
// [Stats.RouteErrors]).
type Router func(ctx context.Context, client net.Conn) (Route, error)

// Serve starts a proxy that accepts connections on ln, which it owns from
// then on (it closes ln on [Proxy.Close]), and forwards each to where
// route says, through the faults the route gives. It is the mode of a
// transparent proxy, whose connections each have their own destination
// and their own link faults; [Listen] is Serve with one upstream and the
// proxy's own faults. The proxy runs until Close. On an error ln is
// left to the caller.
func Serve(ln net.Listener, route Router, opts Options) (*Proxy, error) {
	if ln == nil {
		return nil, errors.New("linkproxy serve: no listener")
	}
	if route == nil {
		return nil, fmt.Errorf("linkproxy serve on %s: no router", ln.Addr())
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := makeProxy(ln, "", route, opts)
	p.log = log.With("proxy", p.addr)
	p.start()
	return p, nil
}

// Notify tells the proxy that what its routes' [FaultsFunc]s return may
// have changed. Delays and losses need no notice (each chunk looks them
// up when it is read), but a direction held by a cut waits for one before
// it looks again. [Proxy.Set] notifies by itself.
func (p *Proxy) Notify() {
	p.mu.Lock()
	p.notifyLocked()
	p.mu.Unlock()
}

// notifyLocked wakes every waiter on the faults; p.mu is held.
func (p *Proxy) notifyLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// changes returns a channel closed at the next [Proxy.Notify] (or Set).
func (p *Proxy) changes() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.changed
}

// dial connects to a route's upstream, with the proxy's dialer.
func (p *Proxy) dial(ctx context.Context, address string) (net.Conn, error) {
	if p.dialFunc != nil {
		return p.dialFunc(ctx, "tcp", address)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", address)
}
