package compose

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// execAPI is what reaching an agent through `docker exec` needs of the
// engine (*client.Client has it).
type execAPI interface {
	ExecCreate(ctx context.Context, containerID string, opts client.ExecCreateOptions) (client.ExecCreateResult, error)
	ExecAttach(ctx context.Context, execID string, opts client.ExecAttachOptions) (client.ExecAttachResult, error)
}

// execDial reaches the agent in container id through the Docker Engine:
// `docker exec id /chaos netctl relay ADDR` joins the exec's stdin and
// stdout to the agent's port inside the container's network namespace.
// It is how the harness talks to the agents of an attached cluster on a
// Docker host whose container addresses it cannot reach (ssh://): one
// exec per connection, the protocol unchanged.
func execDial(api execAPI, id string) dialFunc {
	return func(ctx context.Context, addr string) (net.Conn, error) {
		created, err := api.ExecCreate(ctx, id, client.ExecCreateOptions{
			AttachStdin: true, AttachStdout: true, AttachStderr: true,
			Cmd: []string{"/chaos", "netctl", "relay", addr},
		})
		if err != nil {
			return nil, fmt.Errorf("docker exec a relay to %s: %w", addr, err)
		}
		att, err := api.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
		if err != nil {
			return nil, fmt.Errorf("docker exec a relay to %s: attach: %w", addr, err)
		}
		return newExecConn(att.HijackedResponse), nil
	}
}

// execConn is an exec's streams as a net.Conn: writes go to its stdin,
// reads come from its stdout, demultiplexed (no TTY: stdout and stderr
// share the stream); what the relay says on stderr ends the read error.
type execConn struct {
	hr     client.HijackedResponse
	out    *io.PipeReader
	mu     sync.Mutex
	stderr bytes.Buffer
}

func newExecConn(hr client.HijackedResponse) *execConn {
	r, w := io.Pipe()
	c := &execConn{hr: hr, out: r}
	go func() {
		_, err := stdcopy.StdCopy(w, lockedWriter{c}, hr.Reader)
		if err == nil {
			err = io.EOF
		}
		if msg := c.relayError(); msg != "" {
			err = fmt.Errorf("%w (the relay: %s)", err, msg)
		}
		w.CloseWithError(err)
	}()
	return c
}

// lockedWriter collects the relay's stderr.
type lockedWriter struct{ c *execConn }

func (l lockedWriter) Write(p []byte) (int, error) {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	if l.c.stderr.Len() < 4096 {
		l.c.stderr.Write(p)
	}
	return len(p), nil
}

func (c *execConn) relayError() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.TrimSpace(c.stderr.String())
}

func (c *execConn) Read(p []byte) (int, error)  { return c.out.Read(p) }
func (c *execConn) Write(p []byte) (int, error) { return c.hr.Conn.Write(p) }
func (c *execConn) LocalAddr() net.Addr         { return c.hr.Conn.LocalAddr() }
func (c *execConn) RemoteAddr() net.Addr        { return c.hr.Conn.RemoteAddr() }

// Close ends the exec's stdin (the relay then ends) and the connection.
func (c *execConn) Close() error {
	_ = c.hr.CloseWrite()
	c.hr.Close()
	return c.out.Close()
}

// SetDeadline and SetWriteDeadline bound writes only: a read deadline on
// the stream would end the demultiplexer, not the one read (the agent
// client bounds its calls by their contexts).
func (c *execConn) SetDeadline(t time.Time) error      { return c.hr.Conn.SetWriteDeadline(t) }
func (c *execConn) SetReadDeadline(time.Time) error    { return nil }
func (c *execConn) SetWriteDeadline(t time.Time) error { return c.hr.Conn.SetWriteDeadline(t) }
