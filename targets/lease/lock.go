//go:build !nokube

package lease

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	rl "k8s.io/client-go/tools/leaderelection/resourcelock"
)

// lockName names the record in client-go's errors and descriptions.
const lockName = "lease-record"

// leases is the resource client-go's errors name: its Lease objects.
var leases = schema.GroupResource{Group: coordinationv1.GroupName, Resource: "leases"}

// storeLock is client-go's resourcelock.Interface on a Store, as
// resourcelock.LeaseLock is on a Lease object: Get reads the record, and
// Update writes at the version the last Get, Create or Update saw (so,
// like LeaseLock, a release after a Get that found another holder
// overwrites that holder's record). An absent record is a Kubernetes
// NotFound, a refused write a Conflict (AlreadyExists for Create).
//
// A write naming this process the holder is a takeover (Acquire: the
// epoch moves, a new token) when it starts a tenure or when the epoch
// moved since this process took it; every other write is a Renew. The
// lock remembers the token of its last takeover.
type storeLock struct {
	store Store
	id    string
	log   *slog.Logger

	mu      sync.Mutex
	seen    Snapshot // the record as last read or written; zero before the first
	tenure  bool     // this process took the lease in the current tenure
	token   uint64   // that takeover's token
	retaken func()   // called when a takeover moved the epoch during a tenure
	lastErr error    // the outcome of the last call to the store
}

var _ TenureLock = (*storeLock)(nil)

func newStoreLock(store Store, id string, log *slog.Logger) *storeLock {
	return &storeLock{store: store, id: id, log: log}
}

// Begin starts a tenure: the next write naming this process is a
// takeover. retaken is called (not under the lock's mutex) when a later
// takeover of the same tenure moves the epoch.
func (l *storeLock) Begin(retaken func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tenure, l.token, l.retaken, l.lastErr = false, 0, retaken, nil
}

// Token returns the token of this tenure's takeover; 0 = none.
func (l *storeLock) Token() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.token
}

// LastErr returns the outcome of the last call to the store.
func (l *storeLock) LastErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastErr
}

func (l *storeLock) done(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lastErr = err
}

// Get returns the record as client-go's LeaderElectionRecord, and its raw
// bytes, which client-go compares to see that it changed.
func (l *storeLock) Get(ctx context.Context) (*rl.LeaderElectionRecord, []byte, error) {
	snap, err := l.store.Get(ctx)
	l.done(err)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil, apiError{apierrors.NewNotFound(leases, lockName), err}
	case err != nil:
		return nil, nil, fmt.Errorf("lease lock get: %w", err)
	}
	rec, err := DecodeRecord(snap.Data)
	if err != nil {
		return nil, nil, fmt.Errorf("lease lock get: %w", err)
	}
	l.mu.Lock()
	l.seen = snap
	l.mu.Unlock()
	ler := toElectionRecord(rec)
	return &ler, snap.Data, nil
}

// Create makes the record: a takeover from no record.
func (l *storeLock) Create(ctx context.Context, ler rl.LeaderElectionRecord) error {
	data, err := fromElectionRecord(ler).Encode()
	if err != nil {
		return fmt.Errorf("lease lock create: %w", err)
	}
	snap, err := l.store.Acquire(ctx, data, Version{})
	l.done(err)
	switch {
	case errors.Is(err, ErrConflict):
		return apiError{apierrors.NewAlreadyExists(leases, lockName), err}
	case err != nil:
		return fmt.Errorf("lease lock create: %w", err)
	}
	l.took(Snapshot{Data: data, Version: snap.Version, Token: snap.Token}, ler.HolderIdentity)
	return nil
}

// Update replaces the record seen last: by Acquire for a takeover, by
// Renew otherwise.
func (l *storeLock) Update(ctx context.Context, ler rl.LeaderElectionRecord) error {
	l.mu.Lock()
	seen, tenure, token := l.seen, l.tenure, l.token
	l.mu.Unlock()
	if seen.Version.IsZero() {
		return errors.New("lease lock update: no record seen: call Get or Create first")
	}
	data, err := fromElectionRecord(ler).Encode()
	if err != nil {
		return fmt.Errorf("lease lock update: %w", err)
	}
	if ler.HolderIdentity == l.id && (!tenure || seen.Token != token) {
		snap, err := l.store.Acquire(ctx, data, seen.Version)
		l.done(err)
		if err != nil {
			return l.writeErr("update (takeover)", err)
		}
		l.took(Snapshot{Data: data, Version: snap.Version, Token: snap.Token}, ler.HolderIdentity)
		return nil
	}
	v, err := l.store.Renew(ctx, data, seen.Version)
	l.done(err)
	if err != nil {
		return l.writeErr("update", err)
	}
	l.mu.Lock()
	l.seen = Snapshot{Data: data, Version: v, Token: seen.Token}
	if ler.HolderIdentity != l.id {
		l.tenure = false // released
	}
	l.mu.Unlock()
	return nil
}

// took records a takeover's result; a takeover naming this process during
// a tenure it already had calls retaken.
func (l *storeLock) took(snap Snapshot, holder string) {
	l.mu.Lock()
	l.seen = snap
	var retaken func()
	if holder == l.id {
		if l.tenure {
			retaken = l.retaken
		}
		l.tenure, l.token = true, snap.Token
	}
	l.mu.Unlock()
	l.log.Debug("lease acquired", "holder", holder, "token", snap.Token, "version", snap.Version.N)
	if retaken != nil {
		retaken()
	}
}

// writeErr maps a refused write to a Kubernetes Conflict.
func (l *storeLock) writeErr(what string, err error) error {
	if errors.Is(err, ErrConflict) {
		return apiError{apierrors.NewConflict(leases, lockName, err), err}
	}
	return fmt.Errorf("lease lock %s: %w", what, err)
}

// apiError is the Kubernetes status error client-go looks for
// (apierrors.IsNotFound, IsConflict) wrapping the store's error, which
// errors.Is still finds.
type apiError struct {
	status *apierrors.StatusError
	cause  error
}

func (e apiError) Error() string   { return e.status.Error() }
func (e apiError) Unwrap() []error { return []error{e.status, e.cause} }

// RecordEvent logs client-go's event.
func (l *storeLock) RecordEvent(s string) { l.log.Debug("client-go event", "event", s) }

// Identity is the process.
func (l *storeLock) Identity() string { return l.id }

// Describe names the lock.
func (l *storeLock) Describe() string { return RecipeObserved + "/" + lockName }

// toElectionRecord is r as client-go sees it: its lease duration in whole
// seconds.
func toElectionRecord(r Record) rl.LeaderElectionRecord {
	return rl.LeaderElectionRecord{
		HolderIdentity:       r.Holder,
		LeaseDurationSeconds: int(r.Duration / time.Second),
		AcquireTime:          metav1.NewTime(r.Acquired),
		RenewTime:            metav1.NewTime(r.Renewed),
		LeaderTransitions:    r.Transitions,
		Strategy:             coordinationv1.CoordinatedLeaseStrategy(r.Strategy),
		PreferredHolder:      r.PreferredHolder,
	}
}

// fromElectionRecord is the record of client-go's ler; expires is its
// renew time plus its duration (by the real clock client-go reads), none
// when it names no holder.
func fromElectionRecord(ler rl.LeaderElectionRecord) Record {
	r := Record{
		Holder:          ler.HolderIdentity,
		Duration:        time.Duration(ler.LeaseDurationSeconds) * time.Second,
		Acquired:        ler.AcquireTime.Time,
		Renewed:         ler.RenewTime.Time,
		Transitions:     ler.LeaderTransitions,
		Strategy:        string(ler.Strategy),
		PreferredHolder: ler.PreferredHolder,
	}
	if r.Holder != "" {
		r.Expires = r.Renewed.Add(r.Duration)
	}
	return r
}
