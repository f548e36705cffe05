package etcd

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"

	"github.com/chaos-election/chaos/targets"
)

// Defaults of [Options].
const (
	DefaultPrefix      = "/chaos/election"
	DefaultResourceKey = "/chaos/resource"
)

// Client timeouts.
const (
	dialTimeout    = 2 * time.Second
	requestTimeout = 3 * time.Second // per request, so a cut-off client's ops end as errors
	probeTimeout   = 2 * time.Second
)

// Options configure the etcd target.
type Options struct {
	Prefix      string // election prefix ("" = DefaultPrefix)
	ResourceKey string // key of the fenced resource ("" = DefaultResourceKey)
}

// Target is the etcd backend.
type Target struct {
	opts Options
}

var (
	_ targets.Target         = (*Target)(nil)
	_ targets.LeaderReporter = (*Target)(nil)
)

// New returns the etcd target.
func New(opts Options) *Target {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.ResourceKey == "" {
		opts.ResourceKey = DefaultResourceKey
	}
	return &Target{opts: opts}
}

// Name returns "etcd".
func (t *Target) Name() string { return "etcd" }

// Prefix returns the election prefix.
func (t *Target) Prefix() string { return t.opts.Prefix }

// ResourceKey returns the key fenced writes go to.
func (t *Target) ResourceKey() string { return t.opts.ResourceKey }

// Probe asks the node at ep for its status; it is healthy once it answers
// and knows a leader.
func (t *Target) Probe(ctx context.Context, ep targets.Endpoint) error {
	cli, err := newClient([]string{ep.Addr}, nil)
	if err != nil {
		return fmt.Errorf("probe %s: %w", ep.Node, err)
	}
	defer cli.Close()
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	st, err := cli.Status(pctx, ep.Addr)
	if err != nil {
		return fmt.Errorf("probe %s: %w", ep.Node, err)
	}
	if st.Leader == 0 {
		return fmt.Errorf("probe %s: no leader yet", ep.Node)
	}
	return nil
}

// Leads reports whether the member at ep is the raft leader.
func (t *Target) Leads(ctx context.Context, ep targets.Endpoint) (bool, error) {
	cli, err := newClient([]string{ep.Addr}, nil)
	if err != nil {
		return false, fmt.Errorf("status %s: %w", ep.Node, err)
	}
	defer cli.Close()
	sctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	st, err := cli.Status(sctx, ep.Addr)
	if err != nil {
		return false, fmt.Errorf("status %s: %w", ep.Node, err)
	}
	return st.Leader != 0 && st.Header != nil && st.Leader == st.Header.MemberId, nil
}

// newClient returns a client of endpoints, dialing through dial when set.
// It does not block: connection errors show up on the first request.
func newClient(endpoints []string, dial targets.Dialer) (*clientv3.Client, error) {
	cfg := clientv3.Config{
		Endpoints:   endpoints,
		DialTimeout: dialTimeout,
		Logger:      zap.NewNop(),
	}
	if dial != nil {
		cfg.DialOptions = []grpc.DialOption{grpc.WithContextDialer(func(ctx context.Context, addr string) (net.Conn, error) {
			return dial(ctx, addr)
		})}
	}
	cli, err := clientv3.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcd client: %w", err)
	}
	return cli, nil
}

// logger returns l, or a discarding logger.
func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
