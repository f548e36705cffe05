//go:build !nokube

package kubernetes

import (
	"context"
	"log/slog"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	coordv1 "k8s.io/client-go/kubernetes/typed/coordination/v1"
)

// observer watches the Lease: the leader is its holder while its lease
// runs by the true clock (renewTime + leaseDurationSeconds), the token
// the resourceVersion at which that holder's tenure (its TenureLabel)
// first appeared: the acquiring write's, the candidate's own token, for
// every tenure that began while the observer watched. A tenure already
// under way when it started shows the resourceVersion it was first read
// at (a later write of that tenure).
type observer struct {
	leases coordv1.LeaseInterface
	name   string
	log    *slog.Logger
}

// retryEvery is how long the observer waits after a failed read or a
// closed watch.
const retryEvery = 200 * time.Millisecond

// view is what the observer reported last, and the tenure it saw last
// (kept while the lease ran out: the same tenure may renew again).
type view struct {
	leader  string
	token   uint64
	holder  string // of the tenure seen last
	tenure  string
	tokenOf uint64 // the token of that tenure
	expires time.Time
}

func (o *observer) Watch(ctx context.Context, fn func(leader string, token uint64)) error {
	var last view
	report := func(v view) {
		if v.leader != last.leader || v.token != last.token {
			fn(v.leader, v.token)
		}
		last = v
	}
	fn("", 0)
	sel := metav1.ListOptions{FieldSelector: "metadata.name=" + o.name}
	for ctx.Err() == nil {
		// List, then watch from the list's resourceVersion: a Lease
		// created later arrives as its creating write (whose
		// resourceVersion is its first holder's token).
		list, err := o.leases.List(ctx, sel)
		if err != nil {
			o.log.Debug("lease observer: list", "err", err)
			sleep(ctx, retryEvery)
			continue
		}
		if len(list.Items) == 0 {
			report(view{holder: last.holder, tenure: last.tenure, tokenOf: last.tokenOf})
		} else {
			report(o.next(last, &list.Items[0]))
		}
		opts := sel
		opts.ResourceVersion = list.ResourceVersion
		w, err := o.leases.Watch(ctx, opts)
		if err != nil {
			o.log.Debug("lease observer: watch", "err", err)
			sleep(ctx, retryEvery)
			continue
		}
		o.follow(ctx, w, &last, report)
		w.Stop()
	}
	return ctx.Err()
}

// follow reports every change the watch brings, and the expiry of the
// holder's lease, until the watch ends.
func (o *observer) follow(ctx context.Context, w watch.Interface, last *view, report func(view)) {
	for {
		var expire <-chan time.Time
		if last.leader != "" {
			expire = time.After(time.Until(last.expires))
		}
		select {
		case <-ctx.Done():
			return
		case <-expire:
			v := *last
			v.leader, v.token = "", 0
			report(v)
		case ev, ok := <-w.ResultChan():
			if !ok {
				return
			}
			switch ev.Type {
			case watch.Added, watch.Modified:
				if l, ok := ev.Object.(*coordinationv1.Lease); ok {
					report(o.next(*last, l))
				}
			case watch.Deleted:
				report(view{holder: last.holder, tenure: last.tenure, tokenOf: last.tokenOf})
			case watch.Error:
				o.log.Debug("lease observer: watch error", "err", apierrors.FromObject(ev.Object))
				return
			}
		}
	}
}

// next is the view l gives after last.
func (o *observer) next(last view, l *coordinationv1.Lease) view {
	s := l.Spec
	v := view{holder: last.holder, tenure: last.tenure, tokenOf: last.tokenOf}
	if s.HolderIdentity == nil || *s.HolderIdentity == "" || s.RenewTime == nil || s.LeaseDurationSeconds == nil {
		return v
	}
	holder, tenure := *s.HolderIdentity, l.Labels[TenureLabel]
	if holder != last.holder || tenure != last.tenure || last.tokenOf == 0 {
		rv, err := parseRV(l)
		if err != nil {
			o.log.Debug("lease observer", "err", err)
		}
		v.holder, v.tenure, v.tokenOf = holder, tenure, rv
	}
	v.expires = s.RenewTime.Add(time.Duration(*s.LeaseDurationSeconds) * time.Second)
	if time.Now().Before(v.expires) {
		v.leader, v.token = holder, v.tokenOf
	}
	return v
}

func (o *observer) Close() error { return nil }

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
