package freezenet

import (
	"context"
	"errors"
	"net"
	"sync"

	"github.com/chaos-election/chaos/targets"
)

// ErrKilled is what a killed switch's dials, waits and connections return:
// the process that owned them crashed.
var ErrKilled = errors.New("the client process crashed (client-kill)")

// Switch freezes and thaws the connections dialed through it, and kills
// them for good. The zero value is not usable; call [New].
type Switch struct {
	mu     sync.Mutex
	thawed chan struct{} // closed while not frozen
	killed chan struct{} // closed once killed
	conns  map[*conn]struct{}
}

// New returns a thawed switch.
func New() *Switch {
	ch := make(chan struct{})
	close(ch)
	return &Switch{thawed: ch, killed: make(chan struct{}), conns: map[*conn]struct{}{}}
}

// Freeze blocks I/O on every connection of the switch until Thaw. It is a
// no-op when already frozen or killed.
func (s *Switch) Freeze() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if isClosed(s.thawed) && !isClosed(s.killed) {
		s.thawed = make(chan struct{})
	}
}

// Thaw lets I/O flow again. It is idempotent.
func (s *Switch) Thaw() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !isClosed(s.thawed) {
		close(s.thawed)
	}
}

// Frozen reports whether the switch is frozen.
func (s *Switch) Frozen() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !isClosed(s.thawed)
}

// Kill is the crash of the process that dials through the switch: every
// connection is closed at once, as the kernel closes a dead process's
// sockets (what was in flight is lost), reads and writes blocked by a
// freeze end, and from then on every dial, read, write and Wait fails with
// [ErrKilled]. A killed switch stays killed: the next process of the node
// dials through a new one. It is idempotent.
func (s *Switch) Kill() {
	s.mu.Lock()
	if isClosed(s.killed) {
		s.mu.Unlock()
		return
	}
	close(s.killed)
	if !isClosed(s.thawed) {
		close(s.thawed)
	}
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()
	for c := range conns {
		_ = c.Conn.Close()
	}
}

// Killed reports whether the switch was killed.
func (s *Switch) Killed() bool { return isClosed(s.killed) }

// Wait blocks while the switch is frozen: it is the [targets.Pause] of
// the candidates that dial through it. It returns ctx's error when ctx
// ends first, and [ErrKilled] once the switch is killed: a crashed
// process's timers never fire again.
func (s *Switch) Wait(ctx context.Context) error {
	s.wait(ctx.Done())
	if s.Killed() {
		return ErrKilled
	}
	return ctx.Err()
}

var _ targets.Pause = (*Switch)(nil)

// wait blocks while the switch is frozen, or until closed is closed.
func (s *Switch) wait(closed <-chan struct{}) {
	s.mu.Lock()
	ch := s.thawed
	s.mu.Unlock()
	select {
	case <-ch:
	case <-closed:
	}
}

// Dialer returns a dialer whose connections obey the switch; base nil
// means plain TCP.
func (s *Switch) Dialer(base targets.Dialer) targets.Dialer {
	return func(ctx context.Context, addr string) (net.Conn, error) {
		s.wait(ctx.Done())
		if s.Killed() {
			return nil, ErrKilled
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var (
			c   net.Conn
			err error
		)
		if base != nil {
			c, err = base(ctx, addr)
		} else {
			var d net.Dialer
			c, err = d.DialContext(ctx, "tcp", addr)
		}
		if err != nil {
			return nil, err
		}
		wc := &conn{Conn: c, s: s, closed: make(chan struct{})}
		s.mu.Lock()
		defer s.mu.Unlock()
		if isClosed(s.killed) { // killed while dialing
			_ = c.Close()
			return nil, ErrKilled
		}
		s.conns[wc] = struct{}{}
		return wc, nil
	}
}

// conn is a connection whose reads and writes wait while its switch is
// frozen. A read that was already waiting in the kernel when the switch
// froze holds its data until the thaw.
type conn struct {
	net.Conn
	s         *Switch
	closed    chan struct{}
	closeOnce sync.Once
}

func (c *conn) Read(b []byte) (int, error) {
	c.s.wait(c.closed)
	if c.s.Killed() {
		return 0, ErrKilled
	}
	n, err := c.Conn.Read(b)
	c.s.wait(c.closed)
	if c.s.Killed() {
		return 0, ErrKilled // what arrived dies with the process
	}
	return n, err
}

func (c *conn) Write(b []byte) (int, error) {
	c.s.wait(c.closed)
	if c.s.Killed() {
		return 0, ErrKilled
	}
	return c.Conn.Write(b)
}

func (c *conn) Close() error {
	c.closeOnce.Do(func() {
		close(c.closed)
		c.s.mu.Lock()
		delete(c.s.conns, c) // a no-op on the nil map of a killed switch
		c.s.mu.Unlock()
	})
	return c.Conn.Close()
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
