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

// run waits out any cut, dials upstream and forwards both directions
// until both have ended, then closes both sides.
func (c *conn) run() {
	defer c.close()
	if _, err := c.p.waitUncut(c.ctx); err != nil {
		return
	}
	var d net.Dialer
	up, err := d.DialContext(c.ctx, "tcp", c.p.upstream)
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
	wg.Go(func() { c.pipe("up", c.client, up, &c.p.stats.bytesUp).run() })
	wg.Go(func() { c.pipe("down", up, c.client, &c.p.stats.bytesDown).run() })
	wg.Wait()
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
