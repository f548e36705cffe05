package zookeeper

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/targets"
)

// Defaults of [Options].
const (
	DefaultPath         = "/chaos/election"
	DefaultResourcePath = "/chaos/resource"
)

// Client timeouts.
const (
	requestTimeout = 3 * time.Second // per request, so a cut-off client's ops end as errors
	probeTimeout   = 2 * time.Second
	dialTimeout    = 2 * time.Second
)

// Options configure the ZooKeeper target.
type Options struct {
	Path         string // parent of the candidates' znodes ("" = DefaultPath)
	ResourcePath string // znode of the fenced resource ("" = DefaultResourcePath)
}

// Target is the ZooKeeper backend.
type Target struct {
	opts Options
}

var (
	_ targets.Target         = (*Target)(nil)
	_ targets.LeaderReporter = (*Target)(nil)
)

// New returns the ZooKeeper target.
func New(opts Options) *Target {
	if opts.Path == "" {
		opts.Path = DefaultPath
	}
	if opts.ResourcePath == "" {
		opts.ResourcePath = DefaultResourcePath
	}
	return &Target{opts: opts}
}

// Name returns "zookeeper".
func (t *Target) Name() string { return "zookeeper" }

// Probe sends the four-letter command srvr: a server answers with its
// Mode (leader, follower) once it is part of a quorum and serves clients.
func (t *Target) Probe(ctx context.Context, ep targets.Endpoint) error {
	mode, err := serverMode(ctx, ep)
	if err != nil {
		return err
	}
	if mode == "" {
		return fmt.Errorf("probe %s: not serving", ep.Node)
	}
	return nil
}

// Leads reports whether the server at ep is the ensemble's leader (srvr
// says "Mode: leader", or "standalone" for a single server).
func (t *Target) Leads(ctx context.Context, ep targets.Endpoint) (bool, error) {
	mode, err := serverMode(ctx, ep)
	return mode == "leader" || mode == "standalone", err
}

// serverMode asks the server at ep for its Mode with the four-letter
// command srvr; "" with an error when it does not serve.
func serverMode(ctx context.Context, ep targets.Endpoint) (string, error) {
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(pctx, "tcp", ep.Addr)
	if err != nil {
		return "", fmt.Errorf("srvr %s: %w", ep.Node, err)
	}
	defer conn.Close()
	if dl, ok := pctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if _, err := io.WriteString(conn, "srvr"); err != nil {
		return "", fmt.Errorf("srvr %s: %w", ep.Node, err)
	}
	out, err := io.ReadAll(bufio.NewReader(conn))
	if err != nil && len(out) == 0 {
		return "", fmt.Errorf("srvr %s: %w", ep.Node, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if mode, ok := strings.CutPrefix(line, "Mode: "); ok && mode != "" {
			return strings.TrimSpace(mode), nil
		}
	}
	return "", fmt.Errorf("srvr %s: not serving: %q", ep.Node, firstLine(string(out)))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// connect opens a client of addrs with the session timeout asked for. It
// does not block: the connection and session are made in the background.
func connect(addrs []string, timeout time.Duration, dial targets.Dialer, log *slog.Logger,
	onEvent func(zk.Event)) (*zk.Conn, error) {
	if dial == nil {
		dial = func(ctx context.Context, addr string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", addr)
		}
	}
	if onEvent == nil {
		onEvent = func(zk.Event) {}
	}
	conn, ech, err := zk.Connect(addrs, timeout,
		zk.WithLogger(printfLogger{log}), zk.WithLogInfo(false), zk.WithEventCallback(onEvent),
		zk.WithDialer(func(_, addr string, timeout time.Duration) (net.Conn, error) {
			ctx, cancel := context.WithTimeout(context.Background(), min(timeout, dialTimeout))
			defer cancel()
			return dial(ctx, addr)
		}))
	if err != nil {
		return nil, fmt.Errorf("zookeeper client: %w", err)
	}
	go func() {
		for range ech { // the callback has them; keep the channel from filling
		}
	}()
	return conn, nil
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

// ensurePath creates path and its parents as persistent znodes.
func ensurePath(ctx context.Context, conn *zk.Conn, path string) error {
	cur := ""
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		cur += "/" + part
		_, err := call(ctx, func() (string, error) { return conn.Create(cur, nil, 0, zk.WorldACL(zk.PermAll)) })
		if err != nil && !errors.Is(err, zk.ErrNodeExists) {
			return fmt.Errorf("create %s: %w", cur, err)
		}
	}
	return nil
}

// sequence is the sequence number ZooKeeper appended to a sequential
// znode's name (its last 10 digits); -1 when there is none.
func sequence(name string) int64 {
	if len(name) < 10 {
		return -1
	}
	n, err := strconv.ParseInt(name[len(name)-10:], 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// sortBySequence sorts znode names by their sequence numbers, dropping
// names without one.
func sortBySequence(names []string) []string {
	out := names[:0:0]
	for _, n := range names {
		if sequence(n) >= 0 {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return sequence(out[i]) < sequence(out[j]) })
	return out
}

// printfLogger sends go-zookeeper's log lines to slog at debug level.
type printfLogger struct{ log *slog.Logger }

func (l printfLogger) Printf(format string, args ...any) {
	l.log.Debug("zk: " + fmt.Sprintf(format, args...))
}

// logger returns l, or a discarding logger.
func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
