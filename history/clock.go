package history

import "time"

// Clock is the one monotonic clock of a run: every op's time is the
// duration since the run started, read from Go's monotonic clock so that a
// wall-clock step on the host (or a skew the nemesis injects into a
// client) never makes history time go backwards.
type Clock struct {
	start time.Time
}

// NewClock starts a clock now.
func NewClock() *Clock { return &Clock{start: time.Now()} }

// Now is the time since the run started.
func (c *Clock) Now() time.Duration { return time.Since(c.start) }

// Start is the wall-clock instant the run started, for reports.
func (c *Clock) Start() time.Time { return c.start }
