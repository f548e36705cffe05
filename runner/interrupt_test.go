package runner

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestInterruptedErrorSaysWhenAndExits130(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
		code int
	}{
		{&InterruptedError{Stage: StageStart, BeforeFaults: true},
			"the run was interrupted while bringing the cluster up, before any fault; everything it created was removed", ExitInterrupted},
		{&InterruptedError{Stage: StageFaults, At: 12300 * time.Millisecond},
			"the run was interrupted during the faults (12.3 s in); every fault was healed; everything it created was removed", ExitInterrupted},
		{fmt.Errorf("wrapped: %w", &InterruptedError{What: "the matrix", Stage: "after 2 of 5 runs"}),
			"wrapped: the matrix was interrupted after 2 of 5 runs; every fault was healed; everything it created was removed", ExitInterrupted},
		{&InterruptedError{Stage: StageRecovery, Cleanup: errors.New("remove network: conflict")},
			"the run was interrupted during the recovery window; cleaning up failed, something may be left (`chaos down` removes it): remove network: conflict", ExitHarness},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
		if got := ExitCode(tc.err); got != tc.code {
			t.Errorf("%v: exit %d, want %d", tc.err, got, tc.code)
		}
		if !IsInterrupted(tc.err) {
			t.Errorf("%v: not an interrupt", tc.err)
		}
	}
	if IsInterrupted(errors.New("cluster up: timeout")) {
		t.Error("a plain error is an interrupt")
	}
}

// The teardown's errors, joined onto an interrupt by Run's defers, become
// its clean-up failure: exit 255, since something may be left.
func TestFoldInterrupt(t *testing.T) {
	ie := &InterruptedError{Stage: StageStart, BeforeFaults: true}
	if got := foldInterrupt(errors.Join(ie, nil)); got != error(ie) || ie.Cleanup != nil || ExitCode(got) != ExitInterrupted {
		t.Fatalf("an interrupt with a clean teardown: %v (cleanup %v)", got, ie.Cleanup)
	}
	down := errors.New("remove container n2: timeout")
	got := foldInterrupt(errors.Join(errors.Join(ie, nil), down))
	if ExitCode(got) != ExitHarness || !strings.Contains(got.Error(), "something may be left") || !strings.Contains(got.Error(), down.Error()) {
		t.Errorf("teardown failed: %v (exit %d)", got, ExitCode(got))
	}
	other := errors.New("cluster up: no such image")
	if foldInterrupt(other) != other {
		t.Error("foldInterrupt changed an error that is not an interrupt")
	}
}
