package election

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// Clock is one node's candidates' clock: the real clock, or a skewed or
// slowed one while a clock fault is in effect. Now = anchor + (real −
// anchor) × rate + offset, the anchor being when the fault took effect;
// healing returns it to true time at once.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
	rate   float64 // 1 = true rate
	anchor time.Time
	real   func() time.Time
}

var _ targets.Clock = (*Clock)(nil)

func newClock() *Clock { return &Clock{rate: 1, real: time.Now} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.real()
	if c.rate == 1 && c.offset == 0 {
		return now
	}
	return c.anchor.Add(time.Duration(float64(now.Sub(c.anchor)) * c.rate)).Add(c.offset)
}

// set makes the clock run offset away from true time, at rate times the
// true rate from now on.
func (c *Clock) set(offset time.Duration, rate float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset, c.rate, c.anchor = offset, rate, c.real()
}

// SetClock skews (offset) or slows (rate, 1 = true) the clock of node's
// candidates, and returns the process it reaches now. It replaces a clock
// fault in effect on the node.
func (w *Workload) SetClock(ctx context.Context, node string, offset time.Duration, rate float64) (process string, err error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("clock of %s: %w", node, err)
	}
	if rate <= 0 {
		return "", fmt.Errorf("clock of %s: rate %v: want a positive rate", node, rate)
	}
	s := w.slot(node)
	if s == nil {
		return "", fmt.Errorf("clock of %s: no such node", node)
	}
	s.clock.set(offset, rate)
	w.cfg.Log.Info("clock set", "node", node, "offset", offset, "rate", rate)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.process, nil
}

// ResetClock returns node's candidates' clock to true time.
func (w *Workload) ResetClock(node string) error {
	s := w.slot(node)
	if s == nil {
		return fmt.Errorf("clock of %s: no such node", node)
	}
	s.clock.set(0, 1)
	return nil
}

// slot is the slot of node, or nil.
func (w *Workload) slot(node string) *slot {
	for _, s := range w.slots {
		if s.ep.Node == node {
			return s
		}
	}
	return nil
}
