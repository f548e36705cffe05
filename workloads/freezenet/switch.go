package freezenet

import (
	"context"
	"net"
	"sync"

	"github.com/chaos-election/chaos/targets"
)

// Switch freezes and thaws the connections dialed through it. The zero
// value is not usable; call [New].
type Switch struct {
	mu     sync.Mutex
	thawed chan struct{} // closed while not frozen
}

// New returns a thawed switch.
func New() *Switch {
	ch := make(chan struct{})
	close(ch)
	return &Switch{thawed: ch}
}

// Freeze blocks I/O on every connection of the switch until Thaw. It is a
// no-op when already frozen.
func (s *Switch) Freeze() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if isClosed(s.thawed) {
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

// Wait blocks while the switch is frozen: it is the [targets.Pause] of
// the candidates that dial through it. It returns ctx's error when ctx
// ends first.
func (s *Switch) Wait(ctx context.Context) error {
	s.wait(ctx.Done())
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
		return &conn{Conn: c, s: s, closed: make(chan struct{})}, nil
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
	n, err := c.Conn.Read(b)
	c.s.wait(c.closed)
	return n, err
}

func (c *conn) Write(b []byte) (int, error) {
	c.s.wait(c.closed)
	return c.Conn.Write(b)
}

func (c *conn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
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
