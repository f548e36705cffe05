package runner

import (
	"errors"
	"fmt"
	"time"
)

// ExitInterrupted is the exit code of a command stopped by Ctrl-C or
// SIGTERM, at whatever stage: 128 + SIGINT, as a shell reports a process
// the signal killed (a second Ctrl-C quits at once, with the same code).
const ExitInterrupted = 130

// Stages of a run, as an interrupt names them.
const (
	StageStart    = "while bringing the cluster up"
	StageClients  = "while starting the clients"
	StageFaults   = "during the faults"
	StageRecovery = "during the recovery window"
)

// InterruptedError is a run, matrix or benchmark stopped by Ctrl-C or
// SIGTERM: the user's choice, not a failure of the harness. Its message
// says when, whether any fault had started, and that every fault was
// healed and everything the run created removed; [ExitCode] maps it to
// [ExitInterrupted]. When the clean-up itself failed, Cleanup says how and
// the exit code is [ExitHarness]: something may be left.
type InterruptedError struct {
	// What was interrupted: "the run", "the matrix", "the benchmark".
	What string
	// Stage is when ([StageStart], ... ); "" when not known.
	Stage string
	// BeforeFaults: no fault had started (the cluster was never touched
	// by one).
	BeforeFaults bool
	// At is how far into the plan's time the interrupt came (0 before the
	// cluster was up).
	At time.Duration
	// Cleanup is what went wrong healing or removing, if anything.
	Cleanup error
	// Kept, for what starts nothing (a merge of directories), says what
	// it leaves in place of "every fault was healed; everything it
	// created was removed".
	Kept string
}

func (e *InterruptedError) Error() string {
	what := e.What
	if what == "" {
		what = "the run"
	}
	s := what + " was interrupted"
	if e.Stage != "" {
		s += " " + e.Stage
	}
	if e.At > 0 {
		s += fmt.Sprintf(" (%.1f s in)", e.At.Seconds())
	}
	if e.BeforeFaults {
		s += ", before any fault"
	}
	if e.Cleanup != nil {
		return s + "; cleaning up failed, something may be left (`chaos down` removes it): " + e.Cleanup.Error()
	}
	if e.Kept != "" {
		return s + "; " + e.Kept
	}
	if !e.BeforeFaults {
		s += "; every fault was healed"
	}
	return s + "; everything it created was removed"
}

// Unwrap lets errors.Is and errors.As see the clean-up's failure.
func (e *InterruptedError) Unwrap() error { return e.Cleanup }

// IsInterrupted reports whether err is, or wraps, an [InterruptedError].
func IsInterrupted(err error) bool {
	var ie *InterruptedError
	return errors.As(err, &ie)
}
