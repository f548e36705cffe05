package linkproxy

import (
	"context"
	"log/slog"
	"net"
	"sync"
)

// conn is one client connection and, once dialed, its upstream.
type conn struct {
	p      *Proxy
	client net.Conn
	log    *slog.Logger
	ctx    context.Context // done when the connection is torn down
	cancel context.CancelFunc
	faults FaultsFunc // set by run from the route, before the pipes start

	mu       sync.Mutex
	upstream net.Conn
	closed   bool
}

func newConn(p *Proxy, id int64, client net.Conn) *conn {
	c := &conn{p: p, client: client, log: p.log.With("conn", id, "client", client.RemoteAddr().String())}
	c.ctx, c.cancel = context.WithCancel(p.ctx)
	p.stats.open.Add(1)
	return c
}

// run routes the connection, waits out any cut, dials upstream and
// forwards both directions until both have ended, then closes both sides.
func (c *conn) run() {
	defer c.close()
	rt, err := c.p.route(c.ctx, c.client)
	if err != nil {
		if c.ctx.Err() == nil {
			c.p.stats.routeErrors.Add(1)
			c.log.Warn("linkproxy route", "err", err)
		}
		return
	}
	c.faults = rt.Faults
	if c.faults == nil {
		c.faults = func(Dir) Faults { return c.p.Faults() }
	}
	if c.p.upstream == "" {
		c.log = c.log.With("upstream", rt.Upstream)
	}
	// A connection is not set up while either way is cut: the handshake
	// needs both.
	if err := c.waitUncut(Up, Down); err != nil {
		return
	}
	up, err := c.p.dial(c.ctx, rt.Upstream)
	if err != nil {
		if c.ctx.Err() == nil {
			c.p.stats.dialErrors.Add(1)
			c.log.Warn("linkproxy dial upstream", "err", err)
		}
		return
	}
	if !c.setUpstream(up) {
		return
	}
	c.p.stats.dialed.Add(1)
	c.log.Debug("linkproxy connected")
	var wg sync.WaitGroup
	wg.Go(func() { c.pipe(Up, c.client, up, &c.p.stats.bytesUp).run() })
	wg.Go(func() { c.pipe(Down, up, c.client, &c.p.stats.bytesDown).run() })
	wg.Wait()
}

// waitUncut blocks while any of dirs is cut, until the faults change
// ([Proxy.Notify]) to let them all through, or the connection ends.
func (c *conn) waitUncut(dirs ...Dir) error {
	for {
		changed := c.p.changes() // before the look, so no change is missed
		cut := false
		for _, d := range dirs {
			cut = cut || c.faults(d).Cut
		}
		if !cut {
			return nil
		}
		select {
		case <-changed:
		case <-c.ctx.Done():
			return c.ctx.Err()
		}
	}
}

// setUpstream records the dialed upstream, or closes it and reports false
// if the connection was torn down meanwhile.
func (c *conn) setUpstream(up net.Conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		up.Close()
		return false
	}
	c.upstream = up
	return true
}

// close tears the connection down: both sides closed, every wait ended.
// It is idempotent.
func (c *conn) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	up := c.upstream
	c.mu.Unlock()
	c.cancel()
	c.client.Close()
	if up != nil {
		up.Close()
	}
	c.p.stats.open.Add(-1)
	c.log.Debug("linkproxy connection closed")
}
