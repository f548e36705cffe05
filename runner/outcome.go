package runner

import (
	"fmt"
	"io"

	"github.com/chaos-election/chaos/reports"
)

// PrintOutcome prints what a run concluded and where its files are.
func PrintOutcome(w io.Writer, out RunOutcome) {
	reports.WriteSummary(w, out.Results, nil)
	if out.Interrupted {
		fmt.Fprintln(w, "the run was interrupted: the verdict covers what was recorded until then")
	}
	fmt.Fprintf(w, "run directory: %s\n", out.Dir)
	fmt.Fprintf(w, "report:        %s/%s\n", out.Dir, ReportFile)
}

// PrintMatrixOutcome prints how each run of a matrix ended, the matrix's
// verdict and exit code, and where its index is.
func PrintMatrixOutcome(w io.Writer, out MatrixOutcome) {
	if out.Dir == "" {
		return
	}
	for _, r := range out.Runs {
		status := string(r.Validity)
		switch {
		case r.Error != "":
			status = "harness error: " + r.Error
		case r.Skipped:
			status = "not run"
		}
		fmt.Fprintf(w, "%-40s %s\n", r.Name, status)
	}
	fmt.Fprintf(w, "matrix %s: %s (exit %d)\n", out.Name, out.Validity, out.ExitCode)
	fmt.Fprintf(w, "index:  %s/%s\n", out.Dir, MatrixIndexFile)
}

// PrintMatrixList prints the runs a matrix expands to.
func PrintMatrixList(w io.Writer, m Matrix) {
	for i, e := range m.Entries {
		fmt.Fprintf(w, "%3d  %-40s %s  (%s)\n", i+1, e.Plan.Name, e.Plan.Summary(), e.From)
	}
}
