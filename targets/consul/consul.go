package consul

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/chaos-election/chaos/targets"
)

// Defaults of [Options]: the keys of Root "".
const (
	DefaultRoot        = "chaos"
	DefaultKey         = DefaultRoot + "/election/leader"
	DefaultResourceKey = DefaultRoot + "/resource"
	DefaultLockDelay   = time.Second
	DefaultBehavior    = api.SessionBehaviorRelease
)

// Behaviors are the session behaviors Consul knows.
var Behaviors = []string{api.SessionBehaviorRelease, api.SessionBehaviorDelete}

// Client timeouts.
const (
	requestTimeout = 3 * time.Second // per request, so a cut-off client's ops end as errors
	probeTimeout   = 2 * time.Second
	dialTimeout    = 2 * time.Second
	blockingWait   = 5 * time.Second // longest wait of a blocking query
)

// Options configure the Consul target.
type Options struct {
	// Root is the KV prefix every key of the target lives under: the lock
	// key Root+"/election/leader", the resource Root+"/resource", the
	// register workload's keys under Root+"/register/" ("" = DefaultRoot).
	// It neither starts nor ends with "/".
	Root        string
	Key         string // the lock key ("" = Root+"/election/leader"); under Root when Root is set
	ResourceKey string // key of the fenced resource ("" = Root+"/resource"); under Root when Root is set
	// LockDelay is the session's lock-delay: after the session is
	// invalidated, the keys it held cannot be acquired for this long.
	// 0 = DefaultLockDelay; the client library cannot send 0, its
	// smallest is 1 ms.
	LockDelay time.Duration
	// Behavior is what invalidating the session does to its keys:
	// "release" or "delete" ("" = DefaultBehavior).
	Behavior string
	// Access is how every client connects: TLS (https), and Token, the
	// ACL token it sends with every request.
	Access targets.Access
}

// Target is the Consul backend.
type Target struct {
	targets.Namespace                 // the root, and the register workload's prefix under it
	opts              Options         // Access zeroed: the secrets live in access only
	access            *targets.Access // a pointer, so that printing a Target prints no secret
}

var _ targets.Target = (*Target)(nil)

// New returns the Consul target. It accepts any options;
// [Target.Validate] says whether they make sense.
func New(opts Options) *Target {
	ns := targets.NewNamespace(opts.Root, DefaultRoot)
	opts.Key = cmp.Or(opts.Key, ns.Root()+"/election/leader")
	opts.ResourceKey = cmp.Or(opts.ResourceKey, ns.Root()+"/resource")
	opts.LockDelay = cmp.Or(opts.LockDelay, DefaultLockDelay)
	opts.Behavior = cmp.Or(opts.Behavior, DefaultBehavior)
	access := opts.Access.Take()
	return &Target{Namespace: ns, opts: opts, access: access}
}

// Name returns "consul".
func (t *Target) Name() string { return "consul" }

// Probe passes once the server at ep knows the Raft leader and its own
// node is registered and healthy (sessions are tied to the node's
// serfHealth check, so a candidate's session needs it).
func (t *Target) Probe(ctx context.Context, ep targets.Endpoint) error {
	cli, err := t.newClient(ep.Addr, nil)
	if err != nil {
		return fmt.Errorf("probe %s: %w", ep.Node, err)
	}
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	leader, err := cli.Status().LeaderWithQueryOptions((&api.QueryOptions{}).WithContext(pctx))
	if err != nil {
		return fmt.Errorf("probe %s: %w", ep.Node, err)
	}
	if leader == "" {
		return fmt.Errorf("probe %s: no leader yet", ep.Node)
	}
	checks, _, err := cli.Health().Node(ep.Node, (&api.QueryOptions{}).WithContext(pctx))
	if err != nil {
		return fmt.Errorf("probe %s: %w", ep.Node, err)
	}
	if len(checks) == 0 {
		// Consul answers the same when ACLs hide the node.
		return fmt.Errorf("probe %s: node not registered yet, or hidden from the token by ACLs (it needs node:read)", ep.Node)
	}
	for _, c := range checks {
		if c.CheckID == "serfHealth" && c.Status == api.HealthPassing {
			return nil
		}
	}
	return fmt.Errorf("probe %s: node not registered with a passing serfHealth check yet", ep.Node)
}

var _ targets.LeaderReporter = (*Target)(nil)

// Leads reports whether the server at ep is the raft leader: the leader
// address it reports is its own.
func (t *Target) Leads(ctx context.Context, ep targets.Endpoint) (bool, error) {
	cli, err := t.newClient(ep.Addr, nil)
	if err != nil {
		return false, fmt.Errorf("status %s: %w", ep.Node, err)
	}
	sctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	leader, err := cli.Status().LeaderWithQueryOptions((&api.QueryOptions{}).WithContext(sctx))
	if err != nil {
		return false, fmt.Errorf("status %s: %w", ep.Node, err)
	}
	own, _, err := net.SplitHostPort(ep.Addr)
	if err != nil {
		return false, fmt.Errorf("status %s: %w", ep.Node, err)
	}
	host, _, err := net.SplitHostPort(leader)
	return err == nil && host == own, nil
}

// newClient returns a client of the agent at addr with the target's
// access, dialing through dial when set.
func (t *Target) newClient(addr string, dial targets.Dialer) (*api.Client, error) {
	return newClient(addr, dial, t.access)
}

// newClient returns a client of the agent at addr that connects as access
// says: https with its TLS config, its token on every request.
func newClient(addr string, dial targets.Dialer, access *targets.Access) (*api.Client, error) {
	tr := &http.Transport{
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
		DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
			ctx, cancel := context.WithTimeout(ctx, dialTimeout)
			defer cancel()
			if dial != nil {
				return dial(ctx, a)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, a)
		},
	}
	cfg := &api.Config{Address: addr, Scheme: "http", Transport: tr}
	if access != nil {
		if access.TLS != nil {
			// The transport runs the handshake over what DialContext
			// returns; the server name, unless the config names one, is
			// the address's host.
			tr.TLSClientConfig = access.TLS.Clone()
			tr.TLSHandshakeTimeout = dialTimeout
			cfg.Scheme = "https"
		}
		cfg.Token = access.Token
	}
	cli, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("consul client: %w", err)
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

// queryCtx is a QueryOptions bound to ctx.
func queryCtx(ctx context.Context) *api.QueryOptions {
	return (&api.QueryOptions{RequireConsistent: true}).WithContext(ctx)
}

// writeCtx is a WriteOptions bound to ctx.
func writeCtx(ctx context.Context) *api.WriteOptions {
	return (&api.WriteOptions{}).WithContext(ctx)
}
