package linkproxy

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"time"
)

const (
	chunkSize = 32 << 10 // the most one read takes from a side
	queueLen  = 64       // chunks a direction holds before its reader stops reading
)

// chunk is what one read returned, and when it may be delivered.
type chunk struct {
	b   []byte
	due time.Time
}

// pipe forwards one direction of a connection: a reader that schedules
// each chunk and a writer that delivers the queue in order.
type pipe struct {
	c        *conn
	dir      Dir // Up: client → upstream, Down: upstream → client
	src, dst net.Conn
	bytes    *atomic.Int64
	q        chan chunk
}

func (c *conn) pipe(dir Dir, src, dst net.Conn, n *atomic.Int64) *pipe {
	return &pipe{c: c, dir: dir, src: src, dst: dst, bytes: n, q: make(chan chunk, queueLen)}
}

// run forwards until src ends (then half-closes dst) or the connection is
// torn down, and returns once its reader has stopped too.
func (pp *pipe) run() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		pp.read()
	}()
	pp.write()
	<-done
}

// read reads src into the queue, scheduling each chunk with the faults in
// force on its direction when it was read. While the direction is cut it
// reads nothing more.
func (pp *pipe) read() {
	defer close(pp.q)
	p, ctx := pp.c.p, pp.c.ctx
	buf := make([]byte, chunkSize)
	for {
		if err := pp.c.waitUncut(pp.dir); err != nil {
			return
		}
		n, err := pp.src.Read(buf)
		if n > 0 {
			at := time.Now()
			f := pp.c.faults(pp.dir)
			d, lost := f.hold(p.rng)
			if f.Delay > 0 || f.Jitter > 0 {
				p.stats.delayed.Add(1)
			}
			if lost {
				p.stats.lost.Add(1)
			}
			select {
			case pp.q <- chunk{b: bytes.Clone(buf[:n]), due: at.Add(d)}:
			case <-ctx.Done():
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				if ctx.Err() == nil {
					pp.c.log.Debug("linkproxy read", "dir", pp.dir, "err", err)
				}
				pp.c.close()
			}
			return
		}
	}
}

// write delivers the queue to dst in order, each chunk no earlier than
// its due time and never while its direction is cut. When src has ended it
// passes the end on as a half-close of dst.
func (pp *pipe) write() {
	ctx := pp.c.ctx
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		var ch chunk
		var ok bool
		select {
		case ch, ok = <-pp.q:
		case <-ctx.Done():
			return
		}
		if !ok {
			pp.end()
			return
		}
		if wait := time.Until(ch.due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		}
		if err := pp.c.waitUncut(pp.dir); err != nil {
			return
		}
		if _, err := pp.dst.Write(ch.b); err != nil {
			if ctx.Err() == nil {
				pp.c.log.Debug("linkproxy write", "dir", pp.dir, "err", err)
			}
			pp.c.close()
			return
		}
		pp.bytes.Add(int64(len(ch.b)))
	}
}

// end passes src's end on to dst, once no cut holds it back: a half-close
// where dst supports one, else the whole connection is closed.
func (pp *pipe) end() {
	if err := pp.c.waitUncut(pp.dir); err != nil {
		return
	}
	if cw, ok := pp.dst.(interface{ CloseWrite() error }); ok {
		if err := cw.CloseWrite(); err == nil {
			return
		}
	}
	pp.c.close()
}
