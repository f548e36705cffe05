package runner

import (
	"errors"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/plan"
)

// Exit codes of DESIGN.md.
const (
	ExitValid    = 0
	ExitInvalid  = 1
	ExitUnknown  = 2
	ExitBadInput = 254 // bad arguments, plan or input file
	ExitHarness  = 255 // the harness itself failed
)

// BadInputError marks an error caused by what the user gave (arguments, a
// plan, a history file) rather than by the harness: exit code 254.
type BadInputError struct{ Err error }

func (e *BadInputError) Error() string { return e.Err.Error() }
func (e *BadInputError) Unwrap() error { return e.Err }

// BadInput wraps err as a [BadInputError]; nil stays nil.
func BadInput(err error) error {
	if err == nil {
		return nil
	}
	return &BadInputError{Err: err}
}

// VerdictError carries a run's or a check's verdict out of a command as its
// exit code (1 invalid, 2 unknown); it is not a failure of the harness.
type VerdictError struct{ Validity checkers.Validity }

func (e *VerdictError) Error() string { return "verdict: " + string(e.Validity) }

// ExitCode maps an error from a command to the process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitValid
	}
	var v *VerdictError
	if errors.As(err, &v) {
		return v.Validity.ExitCode()
	}
	var ie *InterruptedError
	if errors.As(err, &ie) {
		if ie.Cleanup != nil {
			return ExitHarness
		}
		return ExitInterrupted
	}
	var bad *BadInputError
	var pe *plan.Error
	if errors.As(err, &bad) || errors.As(err, &pe) || history.IsParseError(err) {
		return ExitBadInput
	}
	return ExitHarness
}
