package election

import (
	"testing"
	"time"
)

// The candidates' clock under the clock faults, against a fake real clock.
func TestClockSkewDriftHeal(t *testing.T) {
	base := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	real := base
	c := newClock()
	c.real = func() time.Time { return real }
	if got := c.Now(); !got.Equal(base) {
		t.Fatalf("true clock: %v", got)
	}
	c.set(-4*time.Second, 1) // clock-skew offset -4s
	real = base.Add(10 * time.Second)
	if got, want := c.Now(), base.Add(6*time.Second); !got.Equal(want) {
		t.Errorf("skewed: %v, want %v", got, want)
	}
	c.set(0, 0.5) // clock-drift rate 0.5, from true time at 10 s
	real = base.Add(30 * time.Second)
	if got, want := c.Now(), base.Add(20*time.Second); !got.Equal(want) {
		t.Errorf("drifting: %v, want %v (20 s of real time count 10)", got, want)
	}
	c.set(0, 1) // heal
	if got := c.Now(); !got.Equal(real) {
		t.Errorf("healed: %v, want true time %v", got, real)
	}
}
