package linkproxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Options configure a [Proxy].
type Options struct {
	Seed uint64       // seeds the proxy's own random source (jitter, loss); same seed, same draws
	Log  *slog.Logger // nil = discard
	// Dial connects to an upstream (network is "tcp"); nil is a plain
	// [net.Dialer]. A proxy whose upstreams are in another network
	// namespace dials through here.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// Proxy forwards every connection accepted on [Proxy.Addr] to its
// upstream, through the [Faults] in force. Its methods are safe for
// concurrent use.
type Proxy struct {
	ln       net.Listener
	addr     string
	upstream string // "" for a proxy from Serve
	route    Router
	dialFunc func(ctx context.Context, network, address string) (net.Conn, error)
	log      *slog.Logger
	rng      *source
	stats    counters

	ctx    context.Context // done when Close begins; bounds dials and waits
	cancel context.CancelFunc
	wg     sync.WaitGroup // the accept loop and every connection's goroutines

	mu      sync.Mutex
	faults  Faults
	changed chan struct{} // closed and replaced by every Set and Notify
	conns   map[*conn]struct{}
	closed  bool

	closeOnce sync.Once
	closeErr  error
}

// Listen starts a proxy on 127.0.0.1:0 that forwards every accepted
// connection to upstream ("host:port"). As with [net.ListenConfig.Listen],
// ctx bounds only the setting up: the proxy runs until [Proxy.Close].
func Listen(ctx context.Context, upstream string, opts Options) (*Proxy, error) {
	if _, _, err := net.SplitHostPort(upstream); err != nil {
		return nil, fmt.Errorf("linkproxy for %s: upstream: %w", upstream, err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("linkproxy for %s: listen: %w", upstream, err)
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	route := func(context.Context, net.Conn) (Route, error) { return Route{Upstream: upstream}, nil }
	p := makeProxy(ln, upstream, route, opts)
	p.log = log.With("proxy", p.addr, "upstream", upstream)
	p.start()
	return p, nil
}

// makeProxy makes a proxy on ln that routes connections with route; its
// log is the caller's to set before [Proxy.start].
func makeProxy(ln net.Listener, upstream string, route Router, opts Options) *Proxy {
	p := &Proxy{
		ln:       ln,
		addr:     ln.Addr().String(),
		upstream: upstream,
		route:    route,
		dialFunc: opts.Dial,
		rng:      newSource(opts.Seed),
		changed:  make(chan struct{}),
		conns:    make(map[*conn]struct{}),
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	return p
}

// start runs the accept loop.
func (p *Proxy) start() {
	p.wg.Add(1)
	go p.accept()
	p.log.Debug("linkproxy listening")
}

// Addr is the address clients connect to: "127.0.0.1:port" for a proxy
// from [Listen], the listener's address for one from [Serve].
func (p *Proxy) Addr() string { return p.addr }

// Upstream is the address every connection is forwarded to ("" for a
// proxy from [Serve], whose router chooses per connection).
func (p *Proxy) Upstream() string { return p.upstream }

// Set replaces the proxy's own faults, for new and already open
// connections alike, after validating them: those of every connection of
// a proxy from [Listen], and of each connection whose [Route] has no
// FaultsFunc for one from [Serve]. Set on a closed proxy only records f.
func (p *Proxy) Set(f Faults) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("linkproxy %s: set faults: %w", p.addr, err)
	}
	p.mu.Lock()
	p.faults = f
	p.notifyLocked()
	p.mu.Unlock()
	p.log.Info("linkproxy faults set", "cut", f.Cut, "delay", f.Delay,
		"jitter", f.Jitter, "loss", f.Loss)
	return nil
}

// Faults returns the proxy's own faults in force (see [Proxy.Set]).
func (p *Proxy) Faults() Faults {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faults
}

// Close stops listening, closes every connection and waits for all the
// proxy's goroutines, even during a cut. It is idempotent: every call
// waits and returns the first call's result.
func (p *Proxy) Close() error {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		conns := make([]*conn, 0, len(p.conns))
		for c := range p.conns {
			conns = append(conns, c)
		}
		p.mu.Unlock()
		p.cancel()
		if err := p.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			p.closeErr = fmt.Errorf("linkproxy %s: close: %w", p.addr, err)
		}
		for _, c := range conns {
			c.close()
		}
	})
	p.wg.Wait()
	return p.closeErr
}

// accept runs until the listener is closed, handing each connection to
// its own goroutines.
func (p *Proxy) accept() {
	defer p.wg.Done()
	var backoff time.Duration
	for {
		nc, err := p.ln.Accept()
		if err != nil {
			if p.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: back off and retry,
			// as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			p.log.Warn("linkproxy accept", "err", err, "retry", backoff)
			select {
			case <-time.After(backoff):
			case <-p.ctx.Done():
				return
			}
			continue
		}
		backoff = 0
		c := p.track(nc)
		if c == nil {
			nc.Close()
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.untrack(c)
			c.run()
		}()
	}
}

// track registers a new connection, or returns nil once Close has begun.
func (p *Proxy) track(nc net.Conn) *conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	id := p.stats.accepted.Add(1)
	c := newConn(p, id, nc)
	p.conns[c] = struct{}{}
	return c
}

func (p *Proxy) untrack(c *conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}
