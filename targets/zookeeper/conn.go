package zookeeper

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/targets"
)

// connect opens a client of addrs with the session timeout asked for,
// connecting as access says. Without a digest it does not block: the
// connection and session are made in the background. With one it waits,
// bounded by ctx and the request timeout, until the server took the
// credentials, so that no request goes without them (the client sends
// them again by itself after every reconnection).
func connect(ctx context.Context, addrs []string, timeout time.Duration, dial targets.Dialer, access *targets.Access,
	log *slog.Logger, onEvent func(zk.Event)) (*zk.Conn, error) {
	if dial == nil {
		dial = plainDial
	}
	if onEvent == nil {
		onEvent = func(zk.Event) {}
	}
	if access == nil {
		access = &targets.Access{}
	}
	log = logger(log)
	tlsCfg := access.TLS
	conn, ech, err := zk.Connect(addrs, timeout,
		zk.WithLogger(printfLogger{log}), zk.WithLogInfo(false), zk.WithEventCallback(onEvent),
		zk.WithDialer(func(_, addr string, timeout time.Duration) (net.Conn, error) {
			ctx, cancel := context.WithTimeout(context.Background(), min(timeout, dialTimeout))
			defer cancel()
			return dialTLS(ctx, addr, dial, tlsCfg)
		}))
	if err != nil {
		return nil, fmt.Errorf("zookeeper client: %w", err)
	}
	go func() {
		for range ech { // the callback has them; keep the channel from filling
		}
	}()
	if access.Digest != "" {
		digest := []byte(access.Digest)
		if _, err := call(ctx, func() (struct{}, error) { return struct{}{}, conn.AddAuth("digest", digest) }); err != nil {
			conn.Close()
			return nil, fmt.Errorf("zookeeper digest authentication: %w", err)
		}
	}
	return conn, nil
}

// plainDial is a TCP dial.
func plainDial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

// dialTLS dials addr through dial and, when cfg is set, runs a TLS
// handshake over the connection (its server name, unless cfg names one,
// is addr's host).
func dialTLS(ctx context.Context, addr string, dial targets.Dialer, cfg *tls.Config) (net.Conn, error) {
	raw, err := dial(ctx, addr)
	if err != nil || cfg == nil {
		return raw, err
	}
	conn := tls.Client(raw, targets.TLSFor(cfg, addr))
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, fmt.Errorf("tls handshake with %s: %w", addr, err)
	}
	return conn, nil
}

// acl is the ACL of every znode the target creates: only the digest's
// identity when there is one, else the world.
func (t *Target) acl() []zk.ACL {
	if user, password, ok := strings.Cut(t.access.Digest, ":"); ok {
		return zk.DigestACL(zk.PermAll, user, password)
	}
	return zk.WorldACL(zk.PermAll)
}

// call runs fn, a blocking client request, bounded by ctx and the request
// timeout: go-zookeeper queues requests while it has no connection. A
// request abandoned here ends when the client reconnects or closes.
func call[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := fn()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// ensurePath creates path and its parents as persistent znodes with acl.
func ensurePath(ctx context.Context, conn *zk.Conn, path string, acl []zk.ACL) error {
	cur := ""
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		cur += "/" + part
		_, err := call(ctx, func() (string, error) { return conn.Create(cur, nil, 0, acl) })
		if err != nil && !errors.Is(err, zk.ErrNodeExists) {
			return fmt.Errorf("create %s: %w", cur, err)
		}
	}
	return nil
}
