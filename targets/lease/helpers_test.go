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

// gate is a MemFault that holds calls of its ops while it is shut.
type gate struct {
	ops map[MemOp]bool

	mu   sync.Mutex
	open chan struct{} // closed while the gate is open
}

func newGate(ops ...MemOp) *gate {
	g := &gate{ops: map[MemOp]bool{}, open: make(chan struct{})}
	for _, op := range ops {
		g.ops[op] = true
	}
	close(g.open)
	return g
}

// shut holds the gate's calls until reopen.
func (g *gate) shut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if targets.Closed(g.open) {
		g.open = make(chan struct{})
	}
}

func (g *gate) reopen() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !targets.Closed(g.open) {
		close(g.open)
	}
}

func (g *gate) fault(ctx context.Context, op MemOp) error {
	if !g.ops[op] {
		return nil
	}
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	select {
	case <-open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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
