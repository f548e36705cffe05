package sweep

import (
	"fmt"
	"strings"

	"github.com/chaos-election/chaos/reports"
)

// recommend answers the sweep's question per fault line: the smallest
// value (the first, in the setting's increasing order) whose cell ran
// every repeat with no unsafe run and no false failover, with its
// failover p95; or, when none qualifies, why each value does not.
func recommend(s reports.Sweep) []reports.Recommendation {
	var out []reports.Recommendation
	for _, f := range s.Faults {
		rec := reports.Recommendation{Fault: f.Label}
		var why []string
		for _, v := range s.Values {
			c, ok := cellAt(s, v.Label, f.Label)
			if !ok {
				continue
			}
			if no := disqualified(c); no != "" {
				why = append(why, v.Label+": "+no)
				continue
			}
			rec.Value = v.Label
			rec.Text = fmt.Sprintf("%s %s: %d/%d unsafe, %s, %s %s", s.Setting, v.Label, c.Unsafe, c.Done,
				plural(c.FalseFailovers, "false failover", "false failovers"), p95Words(c), underWords(c, f))
			break
		}
		if rec.Value == "" {
			rec.Text = fmt.Sprintf("no %s qualifies under %s: %s", s.Setting, f.Label, strings.Join(why, "; "))
		}
		out = append(out, rec)
	}
	return out
}

// disqualified says why a cell cannot be recommended, or "".
func disqualified(c reports.SweepCell) string {
	var why []string
	if missing := len(c.Runs) - c.Done; missing > 0 {
		why = append(why, fmt.Sprintf("%d of %d repeats without a verdict here", missing, len(c.Runs)))
	}
	if c.Unsafe > 0 {
		why = append(why, fmt.Sprintf("%d/%d unsafe", c.Unsafe, c.Done))
	}
	if c.FalseFailovers > 0 {
		why = append(why, plural(c.FalseFailovers, "false failover", "false failovers"))
	}
	return strings.Join(why, ", ")
}

func p95Words(c reports.SweepCell) string {
	if c.FailoverP95 == nil {
		return "no failover"
	}
	return fmt.Sprintf("failover p95 %.1f s", *c.FailoverP95)
}

func underWords(c reports.SweepCell, f reports.SweepFault) string {
	if f.Control {
		return "with no faults"
	}
	return "under " + c.Under
}

// cellAt is the cell of value under fault.
func cellAt(s reports.Sweep, value, fault string) (reports.SweepCell, bool) {
	for _, c := range s.Cells {
		if c.Value == value && c.Fault == fault {
			return c, true
		}
	}
	return reports.SweepCell{}, false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
