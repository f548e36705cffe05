//go:build !nokube

package kubernetes

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/chaos-election/chaos/targets"
)

// Available reports whether this binary has target kubernetes's
// candidates (client-go): yes, unless built with -tags nokube.
const Available = true

// NewCandidate is a client-go LeaderElector on a LeaseLock, for the
// candidate of node ep, talking to its API server through cfg.Dial (the
// run's freezable dialer); cfg.TTL is the LeaseDuration.
func (t *Target) NewCandidate(ctx context.Context, ep targets.Endpoint, cfg targets.CandidateConfig) (targets.Candidate, error) {
	servers, err := t.conn()
	if err != nil {
		return nil, err
	}
	srv := serverFor(servers, ep)
	log := logger(cfg.Log).With("process", cfg.Process, "apiserver", srv.Node)
	cs, err := t.clientset(srv, cfg.Dial)
	if err != nil {
		return nil, fmt.Errorf("kubernetes candidate %s: %w", cfg.Process, err)
	}
	return newCandidate(cs, t.opts, cfg, log), nil
}

// NewObserver watches the Lease through the first API server.
func (t *Target) NewObserver(_ context.Context, _ []targets.Endpoint, log *slog.Logger) (targets.Observer, error) {
	cs, _, err := t.firstClientset()
	if err != nil {
		return nil, fmt.Errorf("kubernetes observer: %w", err)
	}
	return &observer{leases: cs.CoordinationV1().Leases(t.opts.Namespace), name: t.opts.Lease, log: logger(log)}, nil
}
