package targets

import "context"

// Pause is a candidate's process pause: while the run pauses the client
// (a long GC pause), Wait blocks; it returns at once otherwise. A
// candidate whose recipe runs timers of its own (a lease's renewal and
// expiry) waits here after each timer fires and before each callback
// acts, so that its timers, like a paused process's, fire only when the
// pause ends, while the wall clock runs on. Wait returns ctx's error when
// ctx ends first.
type Pause interface {
	Wait(ctx context.Context) error
}

// NoPause is a process never paused.
type NoPause struct{}

// Wait returns ctx's error, if any, at once.
func (NoPause) Wait(ctx context.Context) error { return ctx.Err() }
