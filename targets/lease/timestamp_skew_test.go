package lease

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// TestTimestampSkewedHolder is the anomaly the recipe is there to show: a
// holder whose clock is set back by more than the lease writes an expires
// already past in real time, so a candidate with a true clock takes over
// at once while the holder still believes it leads. Fencing tells them
// apart: the old token is rejected, the new one accepted. The holder
// learns it lost at its next renewal.
func TestTimestampSkewedHolder(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	const (
		dur  = 500 * time.Millisecond
		skew = -2 * time.Second // more than the lease
	)
	m := NewMemStore()
	// The holder renews late in its lease, to leave a window to look in.
	a := NewTimestamp(m.Client(), Config{Process: "a", Duration: dur, RenewEvery: 400 * time.Millisecond, Clock: skewClock{skew}})
	b := NewTimestamp(m.Client(), Config{Process: "b", Duration: dur, RenewEvery: 40 * time.Millisecond})
	closeAll(t, a, b)
	ta, err := a.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	won := time.Now()
	if rec, _ := record(t, m); !rec.Expires.Before(time.Now()) {
		t.Fatalf("a's expires %v is not in the real past", rec.Expires)
	}
	tb, err := b.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(won); took > 200*time.Millisecond {
		t.Errorf("b took over %v after a, want at once", took)
	}
	if tb <= ta {
		t.Errorf("b's token %d not above a's %d", tb, ta)
	}
	// Both lead: a's own clock says its lease runs another ~500 ms.
	if targets.Closed(a.Lost()) {
		t.Fatalf("a already knows it lost (%s): no window with two leaders", a.LostReason())
	}
	if err := a.FencedWrite(ctx, ta, []byte("stale")); !errors.Is(err, targets.ErrRejected) {
		t.Errorf("old holder's fenced write: %v, want rejected", err)
	}
	if err := b.FencedWrite(ctx, tb, []byte("new")); err != nil {
		t.Errorf("new holder's fenced write: %v", err)
	}
	if reason := waitLost(t, a, time.Second); reason != ReasonRecordTaken {
		t.Errorf("a lost: %q, want %q (its renewal meets b's record)", reason, ReasonRecordTaken)
	}
	if targets.Closed(b.Lost()) {
		t.Errorf("b lost: %s", b.LostReason())
	}
}

// TestTimestampSkewedTaker: a candidate whose clock runs ahead by more
// than the lease takes over a lease its holder renews on time; the
// holder's renewal then finds the record taken.
func TestTimestampSkewedTaker(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	m := NewMemStore()
	a := NewTimestamp(m.Client(), tsConfig("a"))
	cfg := tsConfig("b")
	cfg.Clock = skewClock{time.Second}
	b := NewTimestamp(m.Client(), cfg)
	closeAll(t, a, b)
	ta, err := a.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	tb, err := b.Campaign(cctx)
	if err != nil || tb <= ta {
		t.Fatalf("b's campaign: %d, %v; want a takeover above %d", tb, err, ta)
	}
	if reason := waitLost(t, a, tsDuration); reason != ReasonRecordTaken {
		t.Errorf("a lost: %q, want %q", reason, ReasonRecordTaken)
	}
}
