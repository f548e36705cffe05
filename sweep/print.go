package sweep

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/chaos-election/chaos/reports"
)

// Print prints a sweep's cells, its recommendation per fault line, its
// verdict and exit code, and where its page is.
func Print(w io.Writer, out Outcome) {
	if out.Dir == "" {
		return
	}
	f := func(v *float64) string {
		if v == nil {
			return "–"
		}
		return fmt.Sprintf("%.2f s", *v)
	}
	fmt.Fprintf(w, "%-36s %-13s %-7s %-9s %-9s %s\n", "cell", "verdict", "unsafe", "p95", "max", "false failovers")
	for _, c := range out.Cells {
		fmt.Fprintf(w, "%-36s %-13s %-7s %-9s %-9s %d\n", c.Name, c.Verdict, fmt.Sprintf("%d/%d", c.Unsafe, c.Done), f(c.FailoverP95), f(c.FailoverMax), c.FalseFailovers)
	}
	for _, r := range out.Recommendations {
		fmt.Fprintf(w, "%s: %s\n", r.Fault, r.Text)
	}
	fmt.Fprintf(w, "sweep %s: %s (exit %d)\n", out.Name, out.Validity, out.ExitCode)
	fmt.Fprintf(w, "page:  %s\n", filepath.Join(out.Dir, reports.SweepHTML))
}
