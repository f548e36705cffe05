package lease

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

const (
	tsDuration = 300 * time.Millisecond
	tsRenew    = 40 * time.Millisecond
)

func tsConfig(p string) Config { return Config{Process: p, Duration: tsDuration, RenewEvery: tsRenew} }

// TestTimestampLeadRenewResign: one candidate gets a token and renews; a
// second waits past the lease duration without taking over, then takes
// over at once when the first resigns, with a greater token.
func TestTimestampLeadRenewResign(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	m := NewMemStore()
	a, b := NewTimestamp(m.Client(), tsConfig("a")), NewTimestamp(m.Client(), tsConfig("b"))
	closeAll(t, a, b)
	ta, err := a.Campaign(ctx)
	if err != nil || ta == 0 || ta != m.Epoch() {
		t.Fatalf("campaign: token %d, %v; epoch %d", ta, err, m.Epoch())
	}
	rec0, snap0 := record(t, m)
	if rec0.Holder != "a" || rec0.Duration != tsDuration || !rec0.Expires.Equal(rec0.Acquired.Add(tsDuration)) {
		t.Errorf("record after the takeover: %+v", rec0)
	}
	if err := a.FencedWrite(ctx, ta, []byte("1")); err != nil {
		t.Fatalf("fenced write: %v", err)
	}

	bres := campaignAsync(ctx, b)
	time.Sleep(tsDuration + 100*time.Millisecond)
	select {
	case r := <-bres:
		t.Fatalf("b took over a renewed lease: %+v", r)
	default:
	}
	if targets.Closed(a.Lost()) {
		t.Fatalf("a lost a lease it renews: %s", a.LostReason())
	}
	rec1, snap1 := record(t, m)
	if snap1.Version.N <= snap0.Version.N || snap1.Token != ta || !rec1.Renewed.After(rec0.Renewed) ||
		!rec1.Expires.After(rec0.Expires) || !rec1.Acquired.Equal(rec0.Acquired) || rec1.Holder != "a" {
		t.Errorf("not renewed: %+v (version %d, token %d) after %+v (version %d)", rec1, snap1.Version.N, snap1.Token, rec0, snap0.Version.N)
	}

	resigned := time.Now()
	if err := a.Resign(ctx); err != nil {
		t.Fatalf("resign: %v", err)
	}
	r := <-bres
	if r.err != nil {
		t.Fatalf("b's campaign: %v", r.err)
	}
	if wait := r.at.Sub(resigned); wait > tsRenew+100*time.Millisecond {
		t.Errorf("b took over %v after the resignation, want at its next poll (every %v)", wait, tsRenew)
	}
	if r.tok <= ta {
		t.Errorf("b's token %d not above a's %d", r.tok, ta)
	}
	if targets.Closed(a.Lost()) {
		t.Errorf("a resignation closed Lost: %s", a.LostReason())
	}
	if err := a.FencedWrite(ctx, ta, []byte("2")); !errors.Is(err, targets.ErrRejected) {
		t.Errorf("a's write after the takeover: %v", err)
	}
	if err := b.FencedWrite(ctx, r.tok, []byte("3")); err != nil {
		t.Errorf("b's write: %v", err)
	}
	if rec, _ := record(t, m); rec.Holder != "b" || rec.Transitions != rec1.Transitions+1 {
		t.Errorf("record after b's takeover: %+v", rec)
	}
	// a's resignation wrote the record released, by Renew.
	if err := b.Resign(ctx); err != nil {
		t.Fatal(err)
	}
	if rec, snap := record(t, m); rec.Holder != "" || !rec.Expires.IsZero() || snap.Token != r.tok {
		t.Errorf("released record %+v, token %d; want no holder, no expires, token %d", rec, snap.Token, r.tok)
	}
}

// TestTimestampTokensIncrease: candidates taking turns get strictly
// greater tokens, including one taking over its own earlier record.
func TestTimestampTokensIncrease(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	m := NewMemStore()
	cs := []targets.Candidate{NewTimestamp(m.Client(), tsConfig("a")), NewTimestamp(m.Client(), tsConfig("b")), NewTimestamp(m.Client(), tsConfig("c"))}
	closeAll(t, cs...)
	var last uint64
	for i := range 7 {
		c := cs[i%2*2] // a, c, a, c, …: each takes over the other's released record
		if i == 6 {
			c = cs[2] // c again, from its own released record
		}
		tok, err := c.Campaign(ctx)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if tok <= last {
			t.Fatalf("round %d: token %d after %d", i, tok, last)
		}
		last = tok
		if err := c.Resign(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// A new tenure over the holder's own live record is a takeover too.
	tok, err := cs[1].Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := cs[1].Campaign(ctx)
	if err != nil || again <= tok {
		t.Fatalf("campaign over its own record: token %d after %d, %v", again, tok, err)
	}
}

// TestTimestampCampaignErrors: a write of unknown outcome ends the
// campaign with that error, not ErrNotElected; ctx and Close end it too;
// read errors are waited out.
func TestTimestampCampaignErrors(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	unknown := errors.New("reply lost")

	t.Run("unknown acquire", func(t *testing.T) {
		m := NewMemStore()
		cl := m.Client()
		cl.SetAfter(func(_ context.Context, op MemOp) error {
			if op == MemAcquire {
				return unknown
			}
			return nil
		})
		a := NewTimestamp(cl, tsConfig("a"))
		closeAll(t, a)
		_, err := a.Campaign(ctx)
		if !errors.Is(err, unknown) || errors.Is(err, targets.ErrNotElected) {
			t.Fatalf("campaign: %v, want the unknown error", err)
		}
		epoch := m.Epoch()
		cl.SetAfter(nil)
		tok, err := a.Campaign(ctx) // its own record, from the unknown write: a new takeover
		if err != nil || tok <= epoch {
			t.Fatalf("campaign again: %d, %v; want a token above %d", tok, err, epoch)
		}
	})

	t.Run("context", func(t *testing.T) {
		m := NewMemStore()
		a, b := NewTimestamp(m.Client(), tsConfig("a")), NewTimestamp(m.Client(), tsConfig("b"))
		closeAll(t, a, b)
		if _, err := a.Campaign(ctx); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err := b.Campaign(cctx)
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, targets.ErrNotElected) {
			t.Errorf("campaign past its context: %v", err)
		}
	})

	t.Run("close", func(t *testing.T) {
		m := NewMemStore()
		a, b := NewTimestamp(m.Client(), tsConfig("a")), NewTimestamp(m.Client(), tsConfig("b"))
		closeAll(t, a)
		if _, err := a.Campaign(ctx); err != nil {
			t.Fatal(err)
		}
		res := campaignAsync(ctx, b)
		time.Sleep(50 * time.Millisecond)
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		select {
		case r := <-res:
			if r.err == nil {
				t.Errorf("campaign of a closed candidate won %d", r.tok)
			}
		case <-time.After(time.Second):
			t.Fatal("Close did not end the campaign")
		}
	})

	t.Run("read errors", func(t *testing.T) {
		m := NewMemStore()
		cl := m.Client()
		var fail atomic.Bool
		fail.Store(true)
		cl.SetBefore(func(_ context.Context, op MemOp) error {
			if op == MemGet && fail.Load() {
				return errors.New("no route to host")
			}
			return nil
		})
		a := NewTimestamp(cl, tsConfig("a"))
		closeAll(t, a)
		res := campaignAsync(ctx, a)
		time.Sleep(3 * tsRenew)
		fail.Store(false)
		if r := <-res; r.err != nil || r.tok == 0 {
			t.Errorf("campaign through read errors: %+v", r)
		}
	})

	t.Run("config", func(t *testing.T) {
		a := NewTimestamp(NewMemStore(), Config{Process: "a"})
		closeAll(t, a)
		if _, err := a.Campaign(ctx); err == nil {
			t.Error("campaign with no lease duration")
		}
	})
}

// TestTimestampRenewErrors: renewals failing for less than the lease keep
// the leadership; a renewal whose reply was lost but which landed is
// adopted, not taken for a takeover.
func TestTimestampRenewErrors(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	t.Run("transient", func(t *testing.T) {
		m := NewMemStore()
		cl := m.Client()
		var fail atomic.Bool
		cl.SetBefore(func(_ context.Context, op MemOp) error {
			if op == MemRenew && fail.Load() {
				return errors.New("timeout")
			}
			return nil
		})
		a := NewTimestamp(cl, tsConfig("a"))
		closeAll(t, a)
		if _, err := a.Campaign(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * tsRenew)
		fail.Store(true)
		time.Sleep(tsDuration / 3)
		fail.Store(false)
		time.Sleep(tsDuration + tsRenew)
		if targets.Closed(a.Lost()) {
			t.Errorf("lost through renew errors shorter than the lease: %s", a.LostReason())
		}
	})
	t.Run("unknown outcome", func(t *testing.T) {
		m := NewMemStore()
		cl := m.Client()
		var lose atomic.Int32
		cl.SetAfter(func(_ context.Context, op MemOp) error {
			if op == MemRenew && lose.Add(-1) >= 0 {
				return errors.New("reply lost")
			}
			return nil
		})
		a := NewTimestamp(cl, tsConfig("a"))
		closeAll(t, a)
		tok, err := a.Campaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lose.Store(2) // two renewals land, their replies lost
		time.Sleep(tsDuration + 2*tsRenew)
		if targets.Closed(a.Lost()) {
			t.Fatalf("lost after renewals of unknown outcome that landed: %s", a.LostReason())
		}
		if rec, snap := record(t, m); rec.Holder != "a" || snap.Token != tok {
			t.Errorf("record %+v token %d", rec, snap.Token)
		}
	})
}

// TestTimestampHungRenewals: a holder whose renewals hang (a store that
// stops answering, its process running) loses by its own clock about a
// lease after its last renewal, and only then does the other take over;
// the old token is fenced out. A paused process is TestTimestampPausedHolder.
func TestTimestampHungRenewals(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	m := NewMemStore()
	g := newGate(MemRenew)
	ca := m.Client()
	ca.SetBefore(g.fault)
	a, b := NewTimestamp(ca, tsConfig("a")), NewTimestamp(m.Client(), tsConfig("b"))
	closeAll(t, a, b)
	ta, err := a.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bres := campaignAsync(ctx, b)
	time.Sleep(3 * tsRenew)
	g.shut()
	paused := time.Now()
	if reason := waitLost(t, a, 2*tsDuration); reason != ReasonExpired {
		t.Errorf("lost: %q, want %q", reason, ReasonExpired)
	}
	lostAfter := time.Since(paused)
	if lostAfter < tsDuration-tsRenew-20*time.Millisecond || lostAfter > tsDuration+100*time.Millisecond {
		t.Errorf("lost %v after the pause, want about a lease (%v) after its last renewal (every %v)", lostAfter, tsDuration, tsRenew)
	}
	r := <-bres
	if r.err != nil || r.tok <= ta {
		t.Fatalf("b's campaign: %+v, want a token above %d", r, ta)
	}
	if tookAfter := r.at.Sub(paused); tookAfter < tsDuration-tsRenew-20*time.Millisecond {
		t.Errorf("b took over %v after a's pause: before a's lease ran out", tookAfter)
	}
	g.reopen()
	if err := a.FencedWrite(ctx, ta, []byte("late")); !errors.Is(err, targets.ErrRejected) {
		t.Errorf("paused holder's write after the takeover: %v", err)
	}
	if err := b.FencedWrite(ctx, r.tok, []byte("new")); err != nil {
		t.Errorf("new holder's write: %v", err)
	}
}
