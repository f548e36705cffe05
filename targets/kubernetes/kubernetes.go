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
}

// Target is target kubernetes.
type Target struct {
	opts Options
	etcd *etcd.Target

	mu      sync.Mutex
	servers []targets.Endpoint
	creds   Credentials
}

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

// conn returns the API servers and credentials Connect gave.
func (t *Target) conn() ([]targets.Endpoint, Credentials, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.servers) == 0 {
		return nil, Credentials{}, errors.New("kubernetes: not connected to any API server (Connect first)")
	}
	return t.servers, t.creds, nil
}

// Probe is etcd's: ep is an etcd member.
func (t *Target) Probe(ctx context.Context, ep targets.Endpoint) error { return t.etcd.Probe(ctx, ep) }

// Leads is etcd's: whether the member at ep is the raft leader.
func (t *Target) Leads(ctx context.Context, ep targets.Endpoint) (bool, error) {
	return t.etcd.Leads(ctx, ep)
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
