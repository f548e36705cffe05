package lease

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// skewClock is the real clock offset by d.
type skewClock struct{ d time.Duration }

func (s skewClock) Now() time.Time { return time.Now().Add(s.d) }

// latch blocks its waiters while it is shut.
type latch struct {
	mu   sync.Mutex
	open chan struct{} // closed while the latch is open
}

func newLatch() *latch {
	ch := make(chan struct{})
	close(ch)
	return &latch{open: ch}
}

// shut holds the waiters until reopen.
func (l *latch) shut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if targets.Closed(l.open) {
		l.open = make(chan struct{})
	}
}

func (l *latch) reopen() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !targets.Closed(l.open) {
		close(l.open)
	}
}

// wait blocks while the latch is shut, or until ctx ends.
func (l *latch) wait(ctx context.Context) error {
	l.mu.Lock()
	open := l.open
	l.mu.Unlock()
	select {
	case <-open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// gate is a MemFault that holds calls of its ops while it is shut.
type gate struct {
	*latch
	ops map[MemOp]bool
}

func newGate(ops ...MemOp) *gate {
	g := &gate{latch: newLatch(), ops: map[MemOp]bool{}}
	for _, op := range ops {
		g.ops[op] = true
	}
	return g
}

func (g *gate) fault(ctx context.Context, op MemOp) error {
	if !g.ops[op] {
		return nil
	}
	return g.wait(ctx)
}

// campaignResult is a Campaign's outcome, with when it returned.
type campaignResult struct {
	tok uint64
	err error
	at  time.Time
}

// campaignAsync runs c.Campaign(ctx) in a goroutine.
func campaignAsync(ctx context.Context, c targets.Candidate) <-chan campaignResult {
	ch := make(chan campaignResult, 1)
	go func() {
		tok, err := c.Campaign(ctx)
		ch <- campaignResult{tok, err, time.Now()}
	}()
	return ch
}

// waitLost waits up to d for c's Lost and returns its reason, failing the
// test when it stays open.
func waitLost(t *testing.T, c targets.Candidate, d time.Duration) string {
	t.Helper()
	select {
	case <-c.Lost():
		return c.LostReason()
	case <-time.After(d):
		t.Fatalf("not lost after %v", d)
		return ""
	}
}

// testCtx is a context that ends the test's campaigns after d at most,
// so that a broken recipe fails its test rather than hangs it.
func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// record reads the store's record.
func record(t *testing.T, s Store) (Record, Snapshot) {
	t.Helper()
	snap, err := s.Get(context.Background())
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	rec, err := DecodeRecord(snap.Data)
	if err != nil {
		t.Fatal(err)
	}
	return rec, snap
}

func closeAll(t *testing.T, cs ...targets.Candidate) {
	t.Helper()
	t.Cleanup(func() {
		for _, c := range cs {
			if err := c.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		}
	})
}

// testPause is a client pause the test drives (pause, resume): Wait
// blocks while paused.
type testPause struct{ *latch }

func newTestPause() testPause { return testPause{newLatch()} }

func (p testPause) pause()                         { p.shut() }
func (p testPause) resume()                        { p.reopen() }
func (p testPause) Wait(ctx context.Context) error { return p.wait(ctx) }
