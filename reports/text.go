package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/chaos-election/chaos/checkers"
)

// maxSentences is how many anomaly sentences the text summary prints per
// checker; the rest are counted, and all of them are in results.json.
const maxSentences = 5

// WriteSummary prints a short human summary of results: the verdict, one
// line per checker, the sentences of its fatal anomalies, and warnings.
func WriteSummary(w io.Writer, r checkers.Results, warnings []string) {
	fmt.Fprintf(w, "verdict: %s (%d ops)\n", strings.ToUpper(string(r.Validity)), r.Ops)
	for _, res := range r.Results {
		fmt.Fprintf(w, "  %-8s %-16s %s\n", res.Validity, res.Checker, res.Summary)
		shown := 0
		for _, a := range res.Anomalies {
			if !a.Fatal {
				continue
			}
			if shown == maxSentences {
				fmt.Fprintf(w, "           … and %d more (see results.json)\n", countFatal(res.Anomalies)-shown)
				break
			}
			fmt.Fprintf(w, "           - %s\n", a.Message)
			shown++
		}
		if len(res.Figures) > 0 && res.Checker == "liveness" {
			fmt.Fprintf(w, "           %s\n", figureLine(res.Figures))
		}
	}
	for _, warn := range warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
}

func countFatal(as []checkers.Anomaly) int {
	n := 0
	for _, a := range as {
		if a.Fatal {
			n++
		}
	}
	return n
}

func figureLine(f map[string]float64) string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%.3g", k, f[k]))
	}
	return strings.Join(parts, " ")
}
