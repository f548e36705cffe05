package kubernetes

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/etcd"
)

// Defaults of the Lease the candidates elect on.
const (
	DefaultNamespace = "default"
	DefaultLease     = "chaos-election"
)

// Options configures the target.
type Options struct {
	Namespace string // the Lease's namespace ("" = DefaultNamespace)
	Lease     string // the Lease's name ("" = DefaultLease)
	// RenewDeadline and RetryPeriod are client-go's; 0 = 10/15 and 2/15
	// of the candidates' lease duration (client-go's 15 s / 10 s / 2 s).
	RenewDeadline, RetryPeriod time.Duration
	// Kubeconfig is a staging cluster's: the candidates and the observer
	// connect to its API server as it says, and Probe asks that server.
	// nil = the API servers Connect gives, on etcd members of chaos's own.
	Kubeconfig *targets.Kubeconfig
}

// Target is target kubernetes.
type Target struct {
	opts Options
	etcd *etcd.Target

	mu      sync.Mutex
	servers []targets.Endpoint
	creds   Credentials
	staging staging // what the kubeconfig says, once read
}

// ErrNoContext marks a kubeconfig without the context the plan names.
var ErrNoContext = errors.New("no context")

// Credentials are what the candidates need of the API servers: the
// certificate to trust (PEM) and a bearer token.
type Credentials struct {
	CA    []byte
	Token string
}

// String keeps the token out of logs and errors.
func (Credentials) String() string { return "Credentials{token: redacted}" }

var (
	_ targets.Target         = (*Target)(nil)
	_ targets.LeaderReporter = (*Target)(nil)
)

// New returns the target; Connect must be called before candidates or
// an observer are made.
func New(opts Options) *Target {
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	if opts.Lease == "" {
		opts.Lease = DefaultLease
	}
	return &Target{opts: opts, etcd: etcd.New(etcd.Options{})}
}

// Name is "kubernetes".
func (t *Target) Name() string { return "kubernetes" }

// Connect gives the target the API servers, in order, and their
// credentials.
func (t *Target) Connect(servers []targets.Endpoint, creds Credentials) error {
	if len(servers) == 0 {
		return errors.New("kubernetes: no API servers")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.servers, t.creds = append([]targets.Endpoint(nil), servers...), creds
	return nil
}

// conn returns the API servers Connect gave, or the staging cluster's
// API server, its kubeconfig read the first time.
func (t *Target) conn() ([]targets.Endpoint, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.opts.Kubeconfig != nil && len(t.servers) == 0 {
		srv, err := t.staging.load(t.opts.Kubeconfig)
		if err != nil {
			return nil, err
		}
		t.servers = []targets.Endpoint{srv}
	}
	if len(t.servers) == 0 {
		return nil, errors.New("kubernetes: not connected to any API server (Connect first)")
	}
	return t.servers, nil
}

// Probe is etcd's, ep an etcd member; on a staging cluster, it asks the
// API server's /readyz.
func (t *Target) Probe(ctx context.Context, ep targets.Endpoint) error {
	if t.opts.Kubeconfig != nil {
		return t.probeAPIServer(ctx)
	}
	return t.etcd.Probe(ctx, ep)
}

// Leads is etcd's: whether the member at ep is the raft leader. A staging
// cluster's etcd is out of reach.
func (t *Target) Leads(ctx context.Context, ep targets.Endpoint) (bool, error) {
	if t.opts.Kubeconfig != nil {
		return false, errors.New("kubernetes: a staging cluster's etcd members are out of chaos's reach")
	}
	return t.etcd.Leads(ctx, ep)
}

// APIServer is the address the kubeconfig's API server is dialed at
// (host:port), the kubeconfig read the first time.
func (t *Target) APIServer() (targets.Endpoint, error) {
	if t.opts.Kubeconfig == nil {
		return targets.Endpoint{}, errors.New("kubernetes: no kubeconfig (the API servers are chaos's own)")
	}
	servers, err := t.conn()
	if err != nil {
		return targets.Endpoint{}, err
	}
	return servers[0], nil
}

// DialedFor is the API server the candidate named for node ep dials, to
// put a link proxy in front of.
func (t *Target) DialedFor(ep targets.Endpoint) (targets.Endpoint, error) {
	servers, err := t.conn()
	if err != nil {
		return targets.Endpoint{}, err
	}
	return targets.Endpoint{Node: ep.Node, Addr: serverFor(servers, ep).Addr}, nil
}

// serverFor is the API server the candidate named for node ep talks to:
// candidates are spread over the API servers by their node's number
// (n1 → api1, n2 → api2, ..., round robin).
func serverFor(servers []targets.Endpoint, ep targets.Endpoint) targets.Endpoint {
	i, err := strconv.Atoi(strings.TrimPrefix(ep.Node, "n"))
	if err != nil || i < 1 {
		i = 1
	}
	return servers[(i-1)%len(servers)]
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
