package lease

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// tenureSpan is one leadership as its candidate believed it.
type tenureSpan struct {
	who        string
	tok        uint64
	start, end time.Time
	how        string // "resign" or the lost reason
}

// TestTimestampNeverTwoLeaders runs two candidates with true clocks for
// several lease periods: each leads a while, then resigns or has its
// renewals hang until it loses by its own expiry. No two tenures overlap
// (but for the few milliseconds it takes a goroutine to see Lost), and
// the tokens grow from each tenure to the next.
func TestTimestampNeverTwoLeaders(t *testing.T) {
	const (
		run   = 3 * time.Second
		slack = 25 * time.Millisecond // a goroutine's wake-up on a loaded machine
	)
	ctx, cancel := context.WithTimeout(context.Background(), run)
	defer cancel()
	m := NewMemStore()
	var (
		mu    sync.Mutex
		spans []tenureSpan
		wg    sync.WaitGroup
	)
	for i, who := range []string{"a", "b"} {
		g := newGate(MemRenew)
		cl := m.Client()
		cl.SetBefore(g.fault)
		c := NewTimestamp(cl, tsConfig(who))
		closeAll(t, c)
		rng := rand.New(rand.NewPCG(uint64(i), 42))
		wg.Go(func() {
			for ctx.Err() == nil {
				tok, err := c.Campaign(ctx)
				if err != nil {
					if ctx.Err() == nil {
						t.Errorf("%s: campaign: %v", who, err)
					}
					return
				}
				s := tenureSpan{who: who, tok: tok, start: time.Now()}
				hold := time.Duration(100+rng.IntN(300)) * time.Millisecond
				select {
				case <-c.Lost():
					s.end, s.how = time.Now(), c.LostReason()
				case <-time.After(hold):
					if rng.IntN(2) == 0 {
						s.end, s.how = time.Now(), "resign"
						if err := c.Resign(context.Background()); err != nil {
							t.Errorf("%s: resign: %v", who, err)
						}
					} else {
						g.shut()
						select {
						case <-c.Lost():
							s.end, s.how = time.Now(), c.LostReason()
						case <-time.After(4 * tsDuration):
							t.Errorf("%s: renewals hung for %v without losing the lease", who, 4*tsDuration)
							s.end, s.how = time.Now(), "hung"
							g.reopen()
							_ = c.Resign(context.Background())
						}
						g.reopen()
					}
				}
				mu.Lock()
				spans = append(spans, s)
				mu.Unlock()
				// Give the other a chance: the one that just led would
				// otherwise take its own record again first.
				time.Sleep(time.Duration(rng.IntN(2 * int(tsRenew))))
			}
		})
	}
	wg.Wait()

	slices.SortFunc(spans, func(x, y tenureSpan) int { return x.start.Compare(y.start) })
	led := map[string]int{}
	hows := map[string]int{}
	closest := time.Hour
	for i, s := range spans {
		led[s.who]++
		hows[s.how]++
		if i == 0 {
			continue
		}
		p := spans[i-1]
		closest = min(closest, s.start.Sub(p.end))
		if s.tok <= p.tok {
			t.Errorf("tenure %d (%s) has token %d after %s's %d", i, s.who, s.tok, p.who, p.tok)
		}
		if overlap := p.end.Sub(s.start); overlap > slack {
			t.Errorf("%s led from %v with token %d while %s led until %v (%s) with token %d: %v together",
				s.who, s.start.Format("15:04:05.000"), s.tok, p.who, p.end.Format("15:04:05.000"), p.how, p.tok, overlap)
		}
	}
	t.Logf("%d tenures: %v, ends %v; closest handover %v", len(spans), led, hows, closest)
	if len(spans) < 4 || led["a"] == 0 || led["b"] == 0 {
		t.Errorf("too few tenures to tell: %v", led)
	}
	if hows["resign"] == 0 || hows[ReasonExpired] == 0 {
		t.Errorf("the run did not see both a resignation and an expiry: %v", hows)
	}
	for how := range hows {
		if how != "resign" && how != ReasonExpired {
			t.Errorf("a tenure ended by %q with true clocks", how)
		}
	}
}
