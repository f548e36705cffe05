package targets

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"
)

// Endpoint is one node of a backend as a client sees it.
type Endpoint struct {
	Node string // "n1"
	Addr string // "host:port"
}

// Addrs returns the addresses of eps, in order.
func Addrs(eps []Endpoint) []string {
	addrs := make([]string, len(eps))
	for i, ep := range eps {
		addrs[i] = ep.Addr
	}
	return addrs
}

// Dialer opens the connections of a client. Workloads pass one to make a
// client's traffic freezable; nil means plain TCP.
type Dialer func(ctx context.Context, addr string) (net.Conn, error)

// CandidateConfig configures one candidate.
type CandidateConfig struct {
	Process string        // written as the leader key's value, e.g. "n1"
	TTL     time.Duration // session / lease TTL
	Dial    Dialer        // nil = plain TCP
	// Clock is the candidate's own clock, which clock faults skew or slow;
	// nil = the real clock. The native recipes do not read it (their
	// backends keep time); the lease recipes that trust timestamps do.
	Clock Clock
	// Pause is where the candidate's own timers wait while the run pauses
	// its client (a client-pause); nil = never paused.
	Pause Pause
	Log   *slog.Logger // nil = discard
}

// Candidate campaigns for leadership through the backend's own recipe.
// One candidate is used by one goroutine at a time, except Lost, LostReason
// and Close, which may be called concurrently.
type Candidate interface {
	// Campaign blocks until the candidate leads and returns its fencing
	// token, strictly greater than every earlier leader's. An error wrapping
	// ErrNotElected means it certainly does not lead; any other error is
	// unknown.
	Campaign(ctx context.Context) (token uint64, err error)
	// Lost is closed, after a successful Campaign, when the candidate
	// learns it no longer leads. Each Campaign starts a new channel.
	Lost() <-chan struct{}
	// LostReason says why Lost was closed ("" while it is not).
	LostReason() string
	// Resign gives up leadership.
	Resign(ctx context.Context) error
	// FencedWrite writes value to the resource inside the backend, only if
	// token still belongs to the current leader; otherwise it returns an
	// error wrapping ErrRejected.
	FencedWrite(ctx context.Context, token uint64, value []byte) error
	// Close releases the candidate's session and connections.
	Close() error
}

// Observer reports the backend's view of the current leader.
type Observer interface {
	// Watch calls fn with the current leader and its token, then on every
	// change; leader "" (token 0) means none. It blocks until ctx is done.
	Watch(ctx context.Context, fn func(leader string, token uint64)) error
	Close() error
}

// Target is one backend.
type Target interface {
	Name() string
	// Probe returns nil once the node at ep serves clients.
	Probe(ctx context.Context, ep Endpoint) error
	NewCandidate(ctx context.Context, ep Endpoint, cfg CandidateConfig) (Candidate, error)
	NewObserver(ctx context.Context, eps []Endpoint, log *slog.Logger) (Observer, error)
}

// ErrRejected marks a write the fencing refused.
var ErrRejected = errors.New("rejected by fencing")

// ErrNotElected marks a campaign that certainly did not make the candidate
// leader (e.g. its session expired while it waited).
var ErrNotElected = errors.New("not elected")
