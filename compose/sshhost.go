package compose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
)

// sshOptions are the client options for DOCKER_HOST=ssh://[user@]host[:port],
// as the docker CLI does it: each connection is `ssh ... host -- docker
// system dial-stdio`, the remote docker CLI bridging its stdio to the
// remote engine's socket. The ssh client is the machine's own (its keys,
// known_hosts and config apply). Nil for any other DOCKER_HOST.
func sshOptions() ([]client.Opt, error) {
	host := os.Getenv(client.EnvOverrideHost)
	if !strings.HasPrefix(host, "ssh://") {
		return nil, nil
	}
	u, err := url.Parse(host)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("DOCKER_HOST %q: want ssh://[user@]host[:port]", host)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("DOCKER_HOST %q: an ssh host takes no path", host)
	}
	args := sshArgs(u)
	return []client.Opt{
		client.WithHost("http://docker.ssh"), // the dialer decides where it goes
		client.WithDialContext(func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialCommand(ctx, "ssh", args...)
		}),
	}, nil
}

// sshArgs are the ssh arguments that reach the engine behind u.
func sshArgs(u *url.URL) []string {
	var args []string
	if u.User != nil && u.User.Username() != "" {
		args = append(args, "-l", u.User.Username())
	}
	if p := u.Port(); p != "" {
		args = append(args, "-p", p)
	}
	return append(args, "--", u.Hostname(), "docker", "system", "dial-stdio")
}

// dialCommand starts name with args and returns its stdin and stdout as a
// connection; closing it ends the command. ctx bounds only the start.
func dialCommand(ctx context.Context, name string, args ...string) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cmd := exec.Command(name, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &cmdConn{cmd: cmd, stdin: stdin, stdout: stdout, done: make(chan struct{})}
	cmd.Stderr = &c.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	go func() {
		c.waitErr = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// cmdConn is a command's stdio as a net.Conn. Deadlines are not
// supported (the HTTP client bounds requests with contexts).
type cmdConn struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  io.ReadCloser
	stderr  bytes.Buffer
	done    chan struct{}
	waitErr error
	once    sync.Once
}

func (c *cmdConn) Read(b []byte) (int, error) {
	n, err := c.stdout.Read(b)
	if err == io.EOF {
		select {
		case <-c.done:
			if c.waitErr != nil {
				return n, fmt.Errorf("%s: %w: %s", c.cmd.Path, c.waitErr, strings.TrimSpace(c.stderr.String()))
			}
		case <-time.After(100 * time.Millisecond):
		}
	}
	return n, err
}

func (c *cmdConn) Write(b []byte) (int, error) { return c.stdin.Write(b) }

func (c *cmdConn) Close() error {
	c.once.Do(func() {
		_ = c.stdin.Close()
		_ = c.cmd.Process.Kill()
		<-c.done
	})
	return nil
}

type cmdAddr struct{ s string }

func (a cmdAddr) Network() string { return "cmd" }
func (a cmdAddr) String() string  { return a.s }

func (c *cmdConn) LocalAddr() net.Addr  { return cmdAddr{"local"} }
func (c *cmdConn) RemoteAddr() net.Addr { return cmdAddr{strings.Join(c.cmd.Args, " ")} }

func (c *cmdConn) SetDeadline(time.Time) error      { return errors.ErrUnsupported }
func (c *cmdConn) SetReadDeadline(time.Time) error  { return errors.ErrUnsupported }
func (c *cmdConn) SetWriteDeadline(time.Time) error { return errors.ErrUnsupported }

// EngineIsRemote says whether DOCKER_HOST names an engine on another
// machine (ssh://, or tcp:// to a host other than this one's loopback):
// the harness then cannot count on reaching the containers' addresses,
// and an attached cluster's network agents are reached through `docker
// exec` ([AttachSpec.AgentsByExec]).
func EngineIsRemote() bool {
	host := os.Getenv(client.EnvOverrideHost)
	switch {
	case strings.HasPrefix(host, "ssh://"):
		return true
	case strings.HasPrefix(host, "tcp://"):
		u, err := url.Parse(host)
		if err != nil {
			return true
		}
		if u.Hostname() == "localhost" {
			return false
		}
		ip, err := netip.ParseAddr(u.Hostname())
		return err != nil || !ip.IsLoopback()
	}
	return false
}
