package lease

import (
	"log/slog"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// Recipes: the plan's `recipe:` values this package runs.
const (
	RecipeTimestamp = "lease-timestamp"
	RecipeObserved  = "lease-observed"
)

// Config configures one lease candidate.
type Config struct {
	// Process is the holder identity written in the record ("n1").
	Process string
	// Duration is the lease duration (the plan's lease_ttl): client-go's
	// LeaseDuration, and how far ahead of its own clock a timestamp holder
	// sets expires.
	Duration time.Duration
	// RenewEvery is how often a lease-timestamp holder renews; 0 = 2/15 of
	// Duration (client-go's RetryPeriod proportion).
	RenewEvery time.Duration
	// RenewDeadline and RetryPeriod are client-go's, for lease-observed;
	// 0 = 10/15 and 2/15 of Duration (its defaults are 15 s, 10 s, 2 s).
	RenewDeadline, RetryPeriod time.Duration
	// Clock is what lease-timestamp reads time through (the run skews or
	// drifts it for clock faults); nil = the real clock. lease-observed
	// does not use it: client-go reads the real clock.
	Clock targets.Clock
	// Pause is the client pause (a GC pause of the whole process): both
	// recipes' timers and calls wait through it, so that nothing of a
	// paused candidate acts until the pause ends; nil = never paused.
	Pause targets.Pause
	Log   *slog.Logger // nil = discard
}

// Defaults fills the zero durations in the 15 : 10 : 2 proportion of
// client-go's defaults.
func (c Config) Defaults() Config {
	c.Pause = pauseOf(c.Pause)
	if c.RenewEvery == 0 {
		c.RenewEvery = c.Duration * 2 / 15
	}
	if c.RenewDeadline == 0 {
		c.RenewDeadline = c.Duration * 10 / 15
	}
	if c.RetryPeriod == 0 {
		c.RetryPeriod = c.Duration * 2 / 15
	}
	return c
}
