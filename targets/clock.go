package targets

import "time"

// Clock is what a candidate reads the time through. The run gives each
// candidate its own, which clock faults skew or slow (a lease recipe that
// trusts timestamps then acts on the wrong time); nil means the real
// clock. Timers and sleeps stay on the real clock: a skewed machine's
// timers still run at the real rate, a drifting one's are not modelled.
type Clock interface {
	Now() time.Time
}

// RealClock is the machine's clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }
