//go:build !nokube

package targettest

import (
	"context"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	rl "k8s.io/client-go/tools/leaderelection/resourcelock"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

// RunLeaseLock checks lease-observed's resourcelock (lease.NewLock, what
// client-go's LeaderElector calls) against a real cluster, one lock per
// node on target's stores, whose root holds nothing yet: Get of no record
// is a Kubernetes NotFound; a Create makes it, and a second Create of a
// record that exists is AlreadyExists; after another node's Update, an
// Update at the version its lock last saw is a Conflict — the refusal
// client-go relies on to never overwrite a record it did not read — and
// after a fresh Get it goes through.
func RunLeaseLock(t *testing.T, eps []targets.Endpoint, target lease.Target) {
	t.Helper()
	ctx := context.Background()
	lock := func(ep targets.Endpoint) rl.Interface {
		t.Helper()
		s, err := target.NewLeaseStore(ctx, ep, lease.StoreConfig{Process: ep.Node})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return lease.NewLock(s, ep.Node, nil)
	}
	a, b := lock(eps[0]), lock(eps[1])
	rec := func(holder string) rl.LeaderElectionRecord {
		now := metav1.NewTime(time.Now())
		return rl.LeaderElectionRecord{HolderIdentity: holder, LeaseDurationSeconds: 3, AcquireTime: now, RenewTime: now}
	}
	if _, _, err := a.Get(ctx); !apierrors.IsNotFound(err) {
		t.Fatalf("get of no record: %v, want a Kubernetes NotFound", err)
	}
	if err := a.Create(ctx, rec(eps[0].Node)); err != nil {
		t.Fatalf("create: %v", err)
	}
	if err := b.Create(ctx, rec(eps[1].Node)); !apierrors.IsAlreadyExists(err) {
		t.Fatalf("create of a record that exists: %v, want AlreadyExists", err)
	}
	got, raw, err := b.Get(ctx)
	if err != nil || got.HolderIdentity != eps[0].Node || len(raw) == 0 {
		t.Fatalf("get from %s: %+v, %d bytes, %v; want %s's record", eps[1].Node, got, len(raw), err, eps[0].Node)
	}
	if err := a.Update(ctx, rec(eps[0].Node)); err != nil {
		t.Fatalf("renewal by the holder: %v", err)
	}
	if err := b.Update(ctx, rec(eps[1].Node)); !apierrors.IsConflict(err) {
		t.Fatalf("update at a version the record has left: %v, want a Kubernetes Conflict", err)
	}
	if got, _, err := a.Get(ctx); err != nil || got.HolderIdentity != eps[0].Node {
		t.Fatalf("after the refused update: %+v, %v; want %s's record unchanged", got, err, eps[0].Node)
	}
	if _, _, err := b.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Update(ctx, rec(eps[1].Node)); err != nil {
		t.Fatalf("update after a fresh get: %v", err)
	}
	if got, _, err := a.Get(ctx); err != nil || got.HolderIdentity != eps[1].Node {
		t.Fatalf("after the takeover: %+v, %v; want %s's record", got, err, eps[1].Node)
	}
}
