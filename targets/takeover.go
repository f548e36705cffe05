package targets

import "time"

// Takeover is what a campaign took over from: the holder the lease record
// named, and how far its expiry lay ahead of true time when the record
// was taken (negative: it had already passed). A positive ExpiresIn is a
// takeover before the lease ended, as the holder's clock stamped it: a
// candidate whose own clock runs ahead, for one.
type Takeover struct {
	From      string
	ExpiresIn time.Duration
}

// TakeoverReporter is a candidate that can say what its last successful
// Campaign took over (the lease-timestamp recipe): ok is false when it
// took over from nobody (a new or released record, or its own).
type TakeoverReporter interface {
	LastTakeover() (t Takeover, ok bool)
}
