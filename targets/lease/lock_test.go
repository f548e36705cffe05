//go:build !nokube

package lease

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	rl "k8s.io/client-go/tools/leaderelection/resourcelock"
)

func electionRecord(holder string) rl.LeaderElectionRecord {
	now := metav1.NewTime(time.Now())
	return rl.LeaderElectionRecord{HolderIdentity: holder, LeaseDurationSeconds: 2, AcquireTime: now, RenewTime: now}
}

// TestStoreLock drives the resourcelock as client-go does: NotFound leads
// to Create, a stale write is a Conflict, a change of holder moves the
// epoch and a renewal does not.
func TestStoreLock(t *testing.T) {
	ctx := context.Background()
	m := NewMemStore()
	discard := slog.New(slog.DiscardHandler)
	a, b := newStoreLock(m, "a", discard), newStoreLock(m, "b", discard)
	var retakenB int
	a.Begin(nil)
	b.Begin(func() { retakenB++ })
	if a.Identity() != "a" || a.Describe() == "" {
		t.Errorf("identity %q, describe %q", a.Identity(), a.Describe())
	}

	_, _, err := a.Get(ctx)
	if !apierrors.IsNotFound(err) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("get of no record: %v, want NotFound", err)
	}
	if err := a.Update(ctx, electionRecord("a")); err == nil {
		t.Error("update before any get or create")
	}
	if err := a.Create(ctx, electionRecord("a")); err != nil {
		t.Fatal(err)
	}
	ta := a.Token()
	if ta == 0 || ta != m.Epoch() {
		t.Fatalf("create: token %d, epoch %d", ta, m.Epoch())
	}
	if err := b.Create(ctx, electionRecord("b")); !apierrors.IsAlreadyExists(err) || !errors.Is(err, ErrConflict) {
		t.Errorf("second create: %v, want AlreadyExists", err)
	}

	ler, raw, err := b.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap, _ := m.Get(ctx); ler.HolderIdentity != "a" || ler.LeaseDurationSeconds != 2 || string(raw) != string(snap.Data) {
		t.Errorf("get: %+v, raw %s", ler, raw)
	}

	// a renews: the epoch stays.
	if err := a.Update(ctx, electionRecord("a")); err != nil {
		t.Fatal(err)
	}
	if m.Epoch() != ta {
		t.Errorf("a renewal moved the epoch to %d from %d", m.Epoch(), ta)
	}
	// b's record is stale now.
	err = b.Update(ctx, electionRecord("b"))
	if !apierrors.IsConflict(err) || !errors.Is(err, ErrConflict) {
		t.Errorf("update over a stale record: %v, want Conflict", err)
	}
	// b takes over from a fresh read: a new epoch, b's token.
	if _, _, err := b.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Update(ctx, electionRecord("b")); err != nil {
		t.Fatal(err)
	}
	tb := b.Token()
	if tb <= ta || tb != m.Epoch() {
		t.Errorf("takeover: b's token %d, epoch %d, a's %d", tb, m.Epoch(), ta)
	}
	if err := a.Update(ctx, electionRecord("a")); !apierrors.IsConflict(err) {
		t.Errorf("a's renewal after the takeover: %v, want Conflict", err)
	}

	// A release after a read, as client-go's tryRelease does it, writes
	// at the version read (like LeaseLock): over b's record. The epoch
	// stays b's.
	if _, _, err := a.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Update(ctx, rl.LeaderElectionRecord{LeaseDurationSeconds: 1}); err != nil {
		t.Fatal(err)
	}
	if rec, snap := record(t, m); rec.Holder != "" || snap.Token != tb {
		t.Errorf("released: %+v token %d", rec, snap.Token)
	}
	// b continues its tenure over the released record: same epoch.
	if _, _, err := b.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Update(ctx, electionRecord("b")); err != nil || m.Epoch() != tb || b.Token() != tb || retakenB != 0 {
		t.Errorf("b's renewal over a released record: %v, epoch %d, token %d, want %d; retaken %d", err, m.Epoch(), b.Token(), tb, retakenB)
	}
	// c takes over and releases; b, still in its tenure, takes the lease
	// again: a takeover under a new token, which ends the tenure its
	// campaign reported.
	c := newStoreLock(m, "c", discard)
	c.Begin(nil)
	if _, _, err := c.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Update(ctx, electionRecord("c")); err != nil || c.Token() <= tb {
		t.Fatalf("c's takeover: %v, token %d", err, c.Token())
	}
	if err := c.Update(ctx, rl.LeaderElectionRecord{LeaseDurationSeconds: 1}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Update(ctx, electionRecord("b")); err != nil {
		t.Fatal(err)
	}
	if b.Token() <= c.Token() || b.Token() != m.Epoch() || retakenB != 1 {
		t.Errorf("b's takeover during its tenure: token %d (c's %d, epoch %d), retaken %d times", b.Token(), c.Token(), m.Epoch(), retakenB)
	}
	// A new tenure starts with a takeover, even over its own record.
	a.Begin(nil)
	before := a.Token()
	if _, _, err := a.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Update(ctx, electionRecord("a")); err != nil || a.Token() == 0 || m.Epoch() <= before {
		t.Errorf("new tenure over its own record: %v, token %d, epoch %d (was %d)", err, a.Token(), m.Epoch(), before)
	}
}

func TestStoreLockErrors(t *testing.T) {
	ctx := context.Background()
	m := NewMemStore()
	if _, err := m.Acquire(ctx, []byte("not json"), Version{}); err != nil {
		t.Fatal(err)
	}
	l := newStoreLock(m, "a", slog.New(slog.DiscardHandler))
	if _, _, err := l.Get(ctx); err == nil || apierrors.IsNotFound(err) {
		t.Errorf("get of an unreadable record: %v", err)
	}
	cl := NewMemStore().Client()
	down := errors.New("connection refused")
	cl.SetBefore(func(context.Context, MemOp) error { return down })
	l = newStoreLock(cl, "a", slog.New(slog.DiscardHandler))
	if _, _, err := l.Get(ctx); !errors.Is(err, down) || apierrors.IsNotFound(err) {
		t.Errorf("get through a failing store: %v", err)
	}
	if err := l.Create(ctx, electionRecord("a")); !errors.Is(err, down) || apierrors.IsAlreadyExists(err) {
		t.Errorf("create through a failing store: %v", err)
	}
	if !errors.Is(l.LastErr(), down) {
		t.Errorf("last error %v", l.LastErr())
	}
}

func TestElectionRecordConversion(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	ler := rl.LeaderElectionRecord{HolderIdentity: "n1", LeaseDurationSeconds: 3, AcquireTime: metav1.NewTime(at),
		RenewTime: metav1.NewTime(at.Add(time.Second)), LeaderTransitions: 4, PreferredHolder: "n2", Strategy: "OldestEmulationVersion"}
	r := fromElectionRecord(ler)
	if r.Holder != "n1" || r.Duration != 3*time.Second || !r.Expires.Equal(at.Add(4*time.Second)) || r.Transitions != 4 {
		t.Errorf("record %+v", r)
	}
	if back := toElectionRecord(r); back != ler {
		t.Errorf("round trip: %+v, want %+v", back, ler)
	}
	if r := fromElectionRecord(rl.LeaderElectionRecord{LeaseDurationSeconds: 1, RenewTime: metav1.NewTime(at)}); !r.Expires.IsZero() {
		t.Errorf("a released record has expires %v", r.Expires)
	}
	// Sub-second durations are client-go's whole seconds.
	if got := toElectionRecord(Record{Duration: 2500 * time.Millisecond}).LeaseDurationSeconds; got != 2 {
		t.Errorf("2.5 s as %d s", got)
	}
}
