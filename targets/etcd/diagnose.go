package etcd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// alertWait is how long tlsDiagnosis waits, after a handshake that went
// through, for the server to refuse the client's certificate (TLS 1.3
// sends that after the client's side of the handshake is done).
const alertWait = 300 * time.Millisecond

// probeError wraps err, a failed probe of ep, with why a TLS connection to
// it fails when there is a reason to find: gRPC reports a failed
// handshake only as the deadline of a request that waited for a
// connection, which tells a user nothing.
func (t *Target) probeError(ctx context.Context, ep targets.Endpoint, err error) error {
	if t.access.TLS != nil {
		if why := tlsDiagnosis(ctx, ep.Addr, t.access.TLS); why != "" {
			return fmt.Errorf("probe %s: %w (TLS: %s)", ep.Node, err, why)
		}
	}
	return fmt.Errorf("probe %s: %w", ep.Node, err)
}

// tlsDiagnosis handshakes with addr and says why that fails, "" when it
// does not.
func tlsDiagnosis(ctx context.Context, addr string, cfg *tls.Config) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
	defer cancel()
	d := tls.Dialer{Config: targets.TLSFor(cfg, addr)}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err.Error()
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(alertWait))
	if _, err := conn.Read(make([]byte, 1)); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		return err.Error()
	}
	return ""
}
