//go:build !nokube

package lease

import (
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// TestObservedPausedHolder: client-go's leader paused (a GC pause) for
// three leases: its timers run on (client-go's are not injectable), but
// nothing they decide reaches the candidate before the pause ends — it
// reads and writes no record, and learns it stopped leading only after
// the pause — while a rival takes the lease. Its token is fenced out.
func TestObservedPausedHolder(t *testing.T) {
	ctx := testCtx(t, 15*time.Second)
	m := NewMemStore()
	p := newTestPause()
	cfg := obsConfig("a", nil)
	cfg.Pause = p
	a, b := NewObserved(m.Client(), cfg), NewObserved(m.Client(), obsConfig("b", nil))
	closeAll(t, a, b)
	ta, err := a.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bres := campaignAsync(ctx, b)
	p.pause()
	r := <-bres
	if r.err != nil || r.tok <= ta {
		t.Fatalf("b's campaign during a's pause: %+v, want a takeover above %d", r, ta)
	}
	time.Sleep(3*obsDuration - time.Since(r.at))
	if targets.Closed(a.Lost()) {
		t.Fatalf("a learned it lost (%s) while paused", a.LostReason())
	}
	if rec, _ := record(t, m); rec.Holder != "b" {
		t.Fatalf("record %+v, want b's", rec)
	}
	resumed := time.Now()
	p.resume()
	if reason := waitLost(t, a, 2*obsDuration); reason != ReasonRenewDeadline {
		t.Errorf("a lost: %q, want %q", reason, ReasonRenewDeadline)
	}
	if took := time.Since(resumed); took > 500*time.Millisecond {
		t.Errorf("a learned it lost %v after the pause ended", took)
	}
	if err := a.FencedWrite(ctx, ta, []byte("late")); err == nil {
		t.Errorf("the paused holder's write after the takeover was accepted")
	}
}
