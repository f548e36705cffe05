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
