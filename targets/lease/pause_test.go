package lease

import (
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// TestTimestampPausedHolder: a lease-timestamp holder paused (a GC pause)
// for three leases neither renews nor learns that its lease ran out while
// paused — its timers, like a paused process's, wait — and learns it at
// once when the pause ends: its expiry fires then, by its clock, which ran
// on. A true-clock rival takes the lease meanwhile.
func TestTimestampPausedHolder(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	m := NewMemStore()
	p := newTestPause()
	cfg := tsConfig("a")
	cfg.Pause = p
	a := NewTimestamp(m.Client(), cfg)
	b := NewTimestamp(m.Client(), tsConfig("b"))
	closeAll(t, a, b)
	ta, err := a.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.pause()
	before, _ := record(t, m)
	bres := campaignAsync(ctx, b)
	time.Sleep(3 * tsDuration)
	if targets.Closed(a.Lost()) {
		t.Fatalf("a learned it lost (%s) while paused: its timers ran", a.LostReason())
	}
	r := <-bres
	if r.err != nil || r.tok <= ta {
		t.Fatalf("b's campaign during a's pause: %+v, want a takeover above %d", r, ta)
	}
	if rec, _ := record(t, m); rec.Holder != "b" || before.Holder != "a" {
		t.Fatalf("records %+v then %+v: want a's, then b's (a renewed nothing while paused)", before, rec)
	}
	resumed := time.Now()
	p.resume()
	reason := waitLost(t, a, tsDuration)
	if reason != ReasonExpired && reason != ReasonRecordTaken {
		t.Errorf("a lost: %q", reason)
	}
	if took := time.Since(resumed); took > tsRenew+100*time.Millisecond {
		t.Errorf("a learned it lost %v after the pause ended, want at its first timer", took)
	}
}

// TestTimestampTakeover: what a campaign says it took over. A new record
// is nobody's; a record whose holder's clock ran 2 s behind had expired
// in true time before the takeover (negative ExpiresIn); a taker whose
// clock runs 1 s ahead takes a lease its holder renews on time before it
// ends (positive ExpiresIn, at most the lease).
func TestTimestampTakeover(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	m := NewMemStore()
	behind := tsConfig("a")
	behind.Clock = skewClock{-2 * time.Second}
	a := NewTimestamp(m.Client(), behind)
	b := NewTimestamp(m.Client(), tsConfig("b"))
	ahead := tsConfig("c")
	ahead.Clock = skewClock{time.Second}
	c := NewTimestamp(m.Client(), ahead)
	closeAll(t, a, b, c)
	if _, err := a.Campaign(ctx); err != nil {
		t.Fatal(err)
	}
	if got, ok := a.(targets.TakeoverReporter).LastTakeover(); ok {
		t.Errorf("a took over %+v from a new record", got)
	}
	if _, err := b.Campaign(ctx); err != nil {
		t.Fatal(err)
	}
	got, ok := b.(targets.TakeoverReporter).LastTakeover()
	if !ok || got.From != "a" || got.ExpiresIn > -time.Second {
		t.Errorf("b took over %+v %v: want from a, its expiry over 1 s past in true time", got, ok)
	}
	if _, err := c.Campaign(ctx); err != nil {
		t.Fatal(err)
	}
	got, ok = c.(targets.TakeoverReporter).LastTakeover()
	if !ok || got.From != "b" || got.ExpiresIn <= 0 || got.ExpiresIn > tsDuration {
		t.Errorf("c took over %+v %v: want from b, before its expiry (by at most the lease %v)", got, ok, tsDuration)
	}
}
