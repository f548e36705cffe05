package lease

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

func TestMemStoreCAS(t *testing.T) {
	ctx := context.Background()
	m := NewMemStore()
	if _, err := m.Get(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get of no record: %v", err)
	}
	if _, err := m.Renew(ctx, []byte("r"), Version{}); err == nil || errors.Is(err, ErrConflict) {
		t.Errorf("renew of the zero version: %v, want a plain error", err)
	}
	if _, err := m.Renew(ctx, []byte("r"), Version{N: 1}); !errors.Is(err, ErrConflict) {
		t.Errorf("renew of no record: %v", err)
	}
	if _, err := m.Acquire(ctx, []byte("a"), Version{N: 5}); !errors.Is(err, ErrConflict) {
		t.Errorf("acquire at a version of no record: %v", err)
	}
	a, err := m.Acquire(ctx, []byte("a"), Version{})
	if err != nil || a.Version.IsZero() || a.Token == 0 || string(a.Data) != "a" {
		t.Fatalf("first acquire: %+v, %v", a, err)
	}
	if _, err := m.Acquire(ctx, []byte("b"), Version{}); !errors.Is(err, ErrConflict) {
		t.Errorf("acquire from no record when there is one: %v", err)
	}
	v, err := m.Renew(ctx, []byte("a2"), a.Version)
	if err != nil || v.N <= a.Version.N {
		t.Fatalf("renew: %v, %v", v, err)
	}
	if _, err := m.Renew(ctx, []byte("a3"), a.Version); !errors.Is(err, ErrConflict) {
		t.Errorf("renew at a stale version: %v", err)
	}
	snap, err := m.Get(ctx)
	if err != nil || string(snap.Data) != "a2" || snap.Version != v || snap.Token != a.Token {
		t.Fatalf("get after renew: %+v, %v; want a2 at %d, token %d", snap, err, v.N, a.Token)
	}
	if m.Epoch() != a.Token {
		t.Errorf("a renewal moved the epoch: %d, want %d", m.Epoch(), a.Token)
	}
	b, err := m.Acquire(ctx, []byte("b"), v)
	if err != nil || b.Token <= a.Token || b.Version.N <= v.N {
		t.Fatalf("takeover: %+v, %v; want token > %d", b, err, a.Token)
	}
	// The store keeps its own copy of the data.
	snap.Data[0] = 'X'
	if again, _ := m.Get(ctx); string(again.Data) != "b" {
		t.Errorf("the record changed through a returned slice: %q", again.Data)
	}
}

func TestMemStoreFencing(t *testing.T) {
	ctx := context.Background()
	m := NewMemStore()
	if err := m.FencedWrite(ctx, 0, []byte("x")); !errors.Is(err, targets.ErrRejected) {
		t.Errorf("token 0 before any acquire: %v", err)
	}
	a, _ := m.Acquire(ctx, []byte("a"), Version{})
	if err := m.FencedWrite(ctx, a.Token, []byte("1")); err != nil {
		t.Fatal(err)
	}
	v, _ := m.Renew(ctx, []byte("a2"), a.Version)
	if err := m.FencedWrite(ctx, a.Token, []byte("2")); err != nil {
		t.Errorf("a renewal fenced the holder out: %v", err)
	}
	b, _ := m.Acquire(ctx, []byte("b"), v)
	if err := m.FencedWrite(ctx, a.Token, []byte("3")); !errors.Is(err, targets.ErrRejected) {
		t.Errorf("old token after a takeover: %v", err)
	}
	if err := m.FencedWrite(ctx, b.Token, []byte("4")); err != nil {
		t.Fatal(err)
	}
	got := m.Writes()
	want := []MemWrite{{a.Token, []byte("1")}, {a.Token, []byte("2")}, {b.Token, []byte("4")}}
	if len(got) != len(want) {
		t.Fatalf("writes %v, want %v", got, want)
	}
	for i := range want {
		if got[i].Token != want[i].Token || string(got[i].Value) != string(want[i].Value) {
			t.Errorf("write %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestMemClientFaults(t *testing.T) {
	ctx := context.Background()
	m := NewMemStore()
	c := m.Client()
	lost := errors.New("request lost")
	c.SetBefore(func(_ context.Context, op MemOp) error {
		if op == MemAcquire {
			return lost
		}
		return nil
	})
	if _, err := c.Acquire(ctx, []byte("a"), Version{}); !errors.Is(err, lost) {
		t.Fatalf("acquire through a before fault: %v", err)
	}
	if _, err := m.Get(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("a call failed before the store reached it: %v", err)
	}
	c.SetBefore(nil)
	c.SetAfter(func(context.Context, MemOp) error { return lost })
	if _, err := c.Acquire(ctx, []byte("a"), Version{}); !errors.Is(err, lost) {
		t.Fatalf("acquire through an after fault: %v", err)
	}
	if snap, err := m.Get(ctx); err != nil || string(snap.Data) != "a" {
		t.Errorf("an after fault's call did not take effect: %+v, %v", snap, err)
	}
	c.SetAfter(nil)

	// A blocking fault returns with its context.
	g := newGate(MemRenew)
	g.shut()
	c.SetBefore(g.fault)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	snap, _ := m.Get(ctx)
	if _, err := c.Renew(cctx, []byte("a2"), snap.Version); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("renew through a shut gate: %v", err)
	}
	if _, err := c.Get(ctx); err != nil {
		t.Errorf("get through a renew gate: %v", err)
	}
	g.reopen()
	if _, err := c.Renew(ctx, []byte("a2"), snap.Version); err != nil {
		t.Errorf("renew through a reopened gate: %v", err)
	}

	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx); !errors.Is(err, ErrMemClosed) {
		t.Errorf("get on a closed client: %v", err)
	}
	if _, err := m.Client().Get(ctx); err != nil {
		t.Errorf("closing a client closed the store: %v", err)
	}
}
