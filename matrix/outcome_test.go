package matrix

import (
	"context"
	"testing"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

func TestMatrixExitCode(t *testing.T) {
	run := func(v checkers.Validity) reports.MatrixRun { return reports.MatrixRun{Validity: v} }
	for _, tt := range []struct {
		runs []reports.MatrixRun
		want int
	}{
		{[]reports.MatrixRun{run(checkers.Valid), run(checkers.Valid)}, runner.ExitValid},
		{[]reports.MatrixRun{run(checkers.Valid), run(checkers.Unknown)}, runner.ExitUnknown},
		{[]reports.MatrixRun{run(checkers.Unknown), run(checkers.Invalid)}, runner.ExitInvalid},
		{[]reports.MatrixRun{run(checkers.Valid), {Error: "docker gone"}}, runner.ExitHarness},
		{[]reports.MatrixRun{{Error: "docker gone"}, run(checkers.Invalid)}, runner.ExitInvalid},
		{[]reports.MatrixRun{run(checkers.Valid), {Skipped: true}}, runner.ExitUnknown},
	} {
		o := Outcome{Matrix: reports.Matrix{Runs: tt.runs}}
		o.finish(context.Background())
		if o.ExitCode != tt.want || runner.ExitCode(o.Err()) != tt.want {
			t.Errorf("%+v: exit %d (error %v), want %d", tt.runs, o.ExitCode, o.Err(), tt.want)
		}
	}
	// Ctrl-C: 130 whatever the runs found; the verdict stays.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := Outcome{Matrix: reports.Matrix{Runs: []reports.MatrixRun{run(checkers.Invalid), {Skipped: true}}}}
	o.finish(ctx)
	err := o.Err()
	if o.ExitCode != runner.ExitInterrupted || runner.ExitCode(err) != runner.ExitInterrupted || o.Validity != "invalid" ||
		err == nil || err.Error() != "the matrix was interrupted after 1 of 2 runs; every fault was healed; everything it created was removed" {
		t.Errorf("interrupted: exit %d, validity %s, error %v", o.ExitCode, o.Validity, err)
	}
}
