package etcd

import (
	"cmp"
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

// Defaults of [Options]: the keys of Root "".
const (
	DefaultRoot        = "/chaos"
	DefaultPrefix      = DefaultRoot + "/election"
	DefaultResourceKey = DefaultRoot + "/resource"
)

// Client timeouts.
const (
	dialTimeout    = 2 * time.Second // and, with credentials, the first authentication
	requestTimeout = 3 * time.Second // per request, so a cut-off client's ops end as errors
	probeTimeout   = 2 * time.Second
)

// Options configure the etcd target.
type Options struct {
	// Root is the key every key of the target lives under: the election
	// at Root+"/election", the resource at Root+"/resource", the register
	// workload's keys under Root+"/register/" ("" = DefaultRoot). It
	// starts with "/" and does not end with one.
	Root        string
	Prefix      string // election prefix ("" = Root+"/election"); under Root when Root is set
	ResourceKey string // key of the fenced resource ("" = Root+"/resource"); under Root when Root is set
	// Access is how every client connects: TLS, Username and Password.
	Access targets.Access
}

// Target is the etcd backend.
type Target struct {
	targets.Namespace                 // the root, and the register workload's prefix under it
	opts              Options         // Access zeroed: the secrets live in access only
	access            *targets.Access // a pointer, so that printing a Target prints no secret
}

var _ targets.Target = (*Target)(nil)

// New returns the etcd target. It accepts any options; [Target.Validate]
// says whether they make sense.
func New(opts Options) *Target {
	ns := targets.NewNamespace(opts.Root, DefaultRoot)
	opts.Prefix = cmp.Or(opts.Prefix, ns.Root()+"/election")
	opts.ResourceKey = cmp.Or(opts.ResourceKey, ns.Root()+"/resource")
	access := opts.Access.Take()
	return &Target{Namespace: ns, opts: opts, access: access}
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
	cli, err := t.newClient([]string{ep.Addr}, nil)
	if err != nil {
		return t.probeError(ctx, ep, err)
	}
	defer cli.Close()
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	st, err := cli.Status(pctx, ep.Addr)
	if err != nil {
		return t.probeError(ctx, ep, err)
	}
	if st.Leader == 0 {
		return fmt.Errorf("probe %s: no leader yet", ep.Node)
	}
	return nil
}

var _ targets.LeaderReporter = (*Target)(nil)

// Leads reports whether the member at ep is the raft leader.
func (t *Target) Leads(ctx context.Context, ep targets.Endpoint) (bool, error) {
	cli, err := t.newClient([]string{ep.Addr}, nil)
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

// newClient returns a client of endpoints with the target's access,
// dialing through dial when set. Without credentials it does not block:
// connection errors show up on the first request. With them it
// authenticates, bounded by the dial timeout.
func (t *Target) newClient(endpoints []string, dial targets.Dialer) (*clientv3.Client, error) {
	return newClient(endpoints, dial, t.access)
}

// newClient returns a client of endpoints that connects as access says.
func newClient(endpoints []string, dial targets.Dialer, access *targets.Access) (*clientv3.Client, error) {
	cfg := clientv3.Config{
		Endpoints:   endpoints,
		DialTimeout: dialTimeout,
		Logger:      zap.NewNop(),
	}
	if access != nil {
		if access.TLS != nil {
			cfg.TLS = access.TLS.Clone()
		}
		cfg.Username, cfg.Password = access.Username, access.Password
	}
	if dial != nil {
		// gRPC runs the TLS handshake, when there is one, over the
		// connection dial returns.
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
