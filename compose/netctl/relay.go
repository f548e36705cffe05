package netctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// Relay joins in and out to a TCP connection to addr: what comes on in
// goes to addr, what addr sends goes to out, until either side ends.
// `netctl relay ADDR` runs it on a `docker exec`'s stdin and stdout, so
// that the harness reaches an agent through the Docker Engine when it
// cannot reach the agent's address (a Docker host behind ssh).
func Relay(ctx context.Context, addr string, in io.Reader, out io.Writer, timeout time.Duration) error {
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	defer conn.Close()
	done := make(chan error, 2)
	go func() {
		_, err := io.Copy(conn, in)
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.CloseWrite() // the harness closed its end: let the agent see it
		}
		done <- err
	}()
	go func() {
		_, err := io.Copy(out, conn)
		done <- err
	}()
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("relay: %w", err)
	}
	return nil
}
