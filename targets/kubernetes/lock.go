//go:build !nokube

package kubernetes

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	coordv1 "k8s.io/client-go/kubernetes/typed/coordination/v1"
	rl "k8s.io/client-go/tools/leaderelection/resourcelock"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

// leaseLock is client-go's own resourcelock.LeaseLock, unchanged, with
// what the harness needs around it: every request waits through the
// candidate's client pause first, and the tenures it grants are known.
// Each Begin names a new tenure in LeaseLock's own Labels (TenureLabel:
// "<process>.<n>", see tenureLabel), which every write of that elector
// carries. A tenure
// begins with the first write naming this process the holder after
// Begin: its token is that write's resourceVersion, read from the API
// server's answer (the Leases client LeaseLock writes through records
// it). The label lets the observer and the fenced writes tell tenures
// apart even when client-go keeps the acquireTime and leaseTransitions
// (a process that takes again a Lease still naming it).
type leaseLock struct {
	*rl.LeaseLock
	written *writes
	pause   targets.Pause
	log     *slog.Logger

	mu      sync.Mutex
	begun   int    // Begins so far
	label   string // the current tenure's TenureLabel value
	tenure  bool   // a write of the current tenure named this process
	token   uint64
	retaken func()
	lastErr error
}

// TenureLabel is the Lease label naming the tenure of the elector that
// wrote it last.
const TenureLabel = "chaos.io/tenure"

var _ lease.TenureLock = (*leaseLock)(nil)

func newLeaseLock(leases coordv1.LeasesGetter, ns, name, id string, pause targets.Pause, log *slog.Logger) *leaseLock {
	w := &writes{}
	return &leaseLock{
		LeaseLock: &rl.LeaseLock{
			LeaseMeta:  metav1.ObjectMeta{Namespace: ns, Name: name},
			Client:     recordingLeases{LeasesGetter: leases, w: w},
			LockConfig: rl.ResourceLockConfig{Identity: id},
		},
		written: w, pause: pause, log: log,
	}
}

// Begin starts a tenure: the next write naming this process is a
// takeover.
func (l *leaseLock) Begin(retaken func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.begun++
	l.label = tenureLabel(l.Identity(), l.begun)
	l.Labels = map[string]string{TenureLabel: l.label} // read by LeaseLock's Create and Update
	l.tenure, l.token, l.retaken, l.lastErr = false, 0, retaken, nil
}

// tenureLabel is the TenureLabel value of id's n-th tenure: "n1.3". A
// label value is letters, digits, '-', '_' and '.', so every other
// character of id becomes '_': a process that took over after its node's
// last one retired or crashed, "n1#2", names its tenures "n1_2.1".
func tenureLabel(id string, n int) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, id)
	return fmt.Sprintf("%s.%d", safe, n)
}

// Token is the resourceVersion of this tenure's takeover; 0 = none.
func (l *leaseLock) Token() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.token
}

// tenureOf returns the current tenure's token and label, and whether it
// has begun.
func (l *leaseLock) tenureOf() (uint64, string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.token, l.label, l.tenure
}

// LastErr is the outcome of the last request.
func (l *leaseLock) LastErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastErr
}

func (l *leaseLock) done(err error) {
	l.mu.Lock()
	l.lastErr = err
	l.mu.Unlock()
}

// Get is LeaseLock's, after the pause.
func (l *leaseLock) Get(ctx context.Context) (*rl.LeaderElectionRecord, []byte, error) {
	if err := l.pause.Wait(ctx); err != nil {
		return nil, nil, fmt.Errorf("lease get: paused: %w", err)
	}
	rec, raw, err := l.LeaseLock.Get(ctx)
	l.done(err)
	return rec, raw, err
}

// Create is LeaseLock's, after the pause: a takeover when it names this
// process.
func (l *leaseLock) Create(ctx context.Context, ler rl.LeaderElectionRecord) error {
	if err := l.pause.Wait(ctx); err != nil {
		return fmt.Errorf("lease create: paused: %w", err)
	}
	err := l.LeaseLock.Create(ctx, ler)
	l.done(err)
	if err == nil && ler.HolderIdentity == l.Identity() {
		l.took(ler)
	}
	return err
}

// Update is LeaseLock's, after the pause: a takeover when it names this
// process and is the tenure's first.
func (l *leaseLock) Update(ctx context.Context, ler rl.LeaderElectionRecord) error {
	if err := l.pause.Wait(ctx); err != nil {
		return fmt.Errorf("lease update: paused: %w", err)
	}
	l.mu.Lock()
	takeover := ler.HolderIdentity == l.Identity() && !l.tenure
	l.mu.Unlock()
	err := l.LeaseLock.Update(ctx, ler)
	l.done(err)
	switch {
	case err != nil:
	case takeover:
		l.took(ler)
	case ler.HolderIdentity != l.Identity():
		l.mu.Lock()
		l.tenure = false // released
		l.mu.Unlock()
	}
	return err
}

// took starts a tenure at the write just made; one already begun calls
// retaken.
func (l *leaseLock) took(ler rl.LeaderElectionRecord) {
	rv := l.written.last()
	l.mu.Lock()
	var retaken func()
	if l.tenure {
		retaken = l.retaken
	}
	l.tenure, l.token = true, rv
	label := l.label
	l.mu.Unlock()
	l.log.Debug("lease acquired", "token", rv, "tenure", label, "transitions", ler.LeaderTransitions)
	if retaken != nil {
		retaken()
	}
}

// writes remembers the resourceVersion of the last write LeaseLock made.
type writes struct {
	mu sync.Mutex
	rv uint64
}

// set remembers l's resourceVersion; one that is no number is an error
// (no token can be read from it).
func (w *writes) set(l *coordinationv1.Lease) error {
	rv, err := parseRV(l)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.rv = rv
	w.mu.Unlock()
	return nil
}

func (w *writes) last() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rv
}

// parseRV reads a Lease's resourceVersion as the number it is on an etcd
// storage backend (the etcd revision of its last write).
func parseRV(l *coordinationv1.Lease) (uint64, error) {
	rv, err := strconv.ParseUint(l.ResourceVersion, 10, 64)
	if err != nil || rv == 0 {
		return 0, fmt.Errorf("lease %s/%s: resourceVersion %q is not a positive integer (the API server's storage is not etcd?)",
			l.Namespace, l.Name, l.ResourceVersion)
	}
	return rv, nil
}

// recordingLeases is the Leases client LeaseLock writes through: client-go's
// own, with the answers to its creates and updates remembered.
type recordingLeases struct {
	coordv1.LeasesGetter
	w *writes
}

func (r recordingLeases) Leases(ns string) coordv1.LeaseInterface {
	return recordingLease{LeaseInterface: r.LeasesGetter.Leases(ns), w: r.w}
}

type recordingLease struct {
	coordv1.LeaseInterface
	w *writes
}

func (r recordingLease) Create(ctx context.Context, l *coordinationv1.Lease, opts metav1.CreateOptions) (*coordinationv1.Lease, error) {
	out, err := r.LeaseInterface.Create(ctx, l, opts)
	if err == nil {
		err = r.w.set(out)
	}
	return out, err
}

func (r recordingLease) Update(ctx context.Context, l *coordinationv1.Lease, opts metav1.UpdateOptions) (*coordinationv1.Lease, error) {
	out, err := r.LeaseInterface.Update(ctx, l, opts)
	if err == nil {
		err = r.w.set(out)
	}
	return out, err
}
