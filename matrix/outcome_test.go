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
}
