//go:build !nokube

package kubernetes

import (
	"context"
	"fmt"
	"log/slog"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	coordv1 "k8s.io/client-go/kubernetes/typed/coordination/v1"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

// ResourceAnnotation is the Lease annotation a fenced write sets.
const ResourceAnnotation = "chaos.io/resource"

// fenceTries bounds a fenced write's retries when the Lease moved under
// it while it still names the writer (its own renewal).
const fenceTries = 5

// newCandidate is the lease package's client-go candidate on a real
// LeaseLock through cs, fencing through the Lease.
func newCandidate(cs *kubernetes.Clientset, opts Options, cfg targets.CandidateConfig, log *slog.Logger) targets.Candidate {
	lc := lease.Config{Process: cfg.Process, Duration: cfg.TTL, RenewDeadline: opts.RenewDeadline,
		RetryPeriod: opts.RetryPeriod, Pause: cfg.Pause, Log: cfg.Log}.Defaults()
	lock := newLeaseLock(cs.CoordinationV1(), opts.Namespace, opts.Lease, cfg.Process, lc.Pause, log)
	res := &leaseFence{leases: cs.CoordinationV1().Leases(opts.Namespace), name: opts.Lease, id: cfg.Process, lock: lock}
	return lease.NewElector(lock, res, lc, log)
}

// leaseFence is resource backend on target kubernetes: the write is an
// annotation on the Lease, updated at the resourceVersion it was read at,
// and made only while the Lease names this process and carries its
// tenure's label, and the token is that tenure's.
type leaseFence struct {
	leases coordv1.LeaseInterface
	name   string
	id     string
	lock   *leaseLock
}

func (f *leaseFence) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	cur, label, tenure := f.lock.tenureOf()
	if !tenure || token != cur {
		return fmt.Errorf("%w: token %d is not this process's tenure (%d)", targets.ErrRejected, token, cur)
	}
	for try := 1; ; try++ {
		l, err := f.leases.Get(ctx, f.name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("read lease: %w", err)
		}
		holder := ""
		if l.Spec.HolderIdentity != nil {
			holder = *l.Spec.HolderIdentity
		}
		if holder != f.id || l.Labels[TenureLabel] != label {
			return fmt.Errorf("%w: the lease names %q in tenure %q, not this process's tenure %q of token %d",
				targets.ErrRejected, holder, l.Labels[TenureLabel], label, token)
		}
		if l.Annotations == nil {
			l.Annotations = map[string]string{}
		}
		l.Annotations[ResourceAnnotation] = string(value)
		_, err = f.leases.Update(ctx, l, metav1.UpdateOptions{})
		switch {
		case err == nil:
			return nil
		case apierrors.IsConflict(err) && try < fenceTries:
			continue // moved since read: read again and judge again
		case apierrors.IsConflict(err):
			return fmt.Errorf("%w: the lease kept moving under the write: %v", targets.ErrRejected, err)
		default:
			return fmt.Errorf("update lease: %w", err)
		}
	}
}

// Close has nothing to release: the clientset's connections go with it.
func (f *leaseFence) Close() error { return nil }
