package runner

import (
	"fmt"
	"io"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/reports"
)

// PrintOutcome prints what a run concluded and where its files are;
// nothing for a run that ended before its history was checked.
func PrintOutcome(w io.Writer, out RunOutcome) {
	if out.Dir == "" || len(out.Results.Results) == 0 {
		return
	}
	reports.WriteSummary(w, out.Results, out.Warnings)
	if out.Interrupted {
		fmt.Fprintln(w, "interrupted: the verdict covers what was recorded until then")
	}
	fmt.Fprintf(w, "run directory: %s\n", out.Dir)
	fmt.Fprintf(w, "report:        %s/%s\n", out.Dir, ReportFile)
}

// PrintCheck prints what a check concluded, its warnings, and where it
// wrote the results and the report.
func PrintCheck(w io.Writer, out CheckOutcome) {
	reports.WriteSummary(w, out.Results, out.Warnings)
	fmt.Fprintf(w, "results: %s\nreport:  %s\n", out.ResultsPath, out.ReportPath)
}

// Err carries the run's verdict out of a command: nil when valid, else a
// [VerdictError] (exit 1 invalid, 2 unknown).
func (o RunOutcome) Err() error { return verdictErr(o.Results.Validity) }

// Err carries the check's verdict out of a command, as [RunOutcome.Err].
func (o CheckOutcome) Err() error { return verdictErr(o.Results.Validity) }

func verdictErr(v checkers.Validity) error {
	if v == checkers.Valid {
		return nil
	}
	return &VerdictError{Validity: v}
}
