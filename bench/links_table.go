package bench

import (
	"fmt"
	"io"
	"strings"

	"github.com/chaos-election/chaos/plan"
)

// WriteLinksTable writes rows as a Markdown table, then, for each
// backend, how many more elections each fault row had than its control
// row (the one with no fault), and the settings the runs used.
func WriteLinksTable(w io.Writer, rows []LinksRow) error {
	var b strings.Builder
	b.WriteString("| backend | the leader's links | elections | per minute | false failovers | leadership median | longest | verdict |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		if r.Err != nil {
			fmt.Fprintf(&b, "| %s | %s | | | | | | error: %v |\n", r.Target, r.Condition.Label(), firstLineOf(r.Err.Error()))
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %.1f | %d | %.1f s | %.1f s | %s |\n", r.Target, r.Condition.Label(), r.Elections,
			r.ElectionsPerMinute, r.FalseFailovers, r.LeadershipMedian.Seconds(), r.LeadershipMax.Seconds(), r.Validity)
	}
	if lines := againstControl(rows); len(lines) > 0 {
		b.WriteString("\nAgainst the control run (no fault) of the same backend: " + strings.Join(lines, "; ") + ".\n")
	}
	if len(rows) > 0 {
		p := rows[0].Plan
		fmt.Fprintf(&b, "\nSettings: %d nodes, recipe %s, lease/session TTL %s, resource %s, %s of faults, %s recovery; each fault on the links of the node leading when it starts (shape isolate-leader, both ways), held %s, %s between faults.\n",
			p.Nodes, p.Recipe, plan.FormatDuration(p.LeaseTTL), p.Resource, plan.FormatDuration(p.Duration), plan.FormatDuration(p.Recovery),
			holdOf(rows), plan.FormatDuration(p.Nemesis.Interval))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// againstControl says, per backend and fault row, the elections more
// than (or as many as) the backend's control row.
func againstControl(rows []LinksRow) []string {
	control := map[string]LinksRow{}
	for _, r := range rows {
		if r.Err == nil && r.Condition == (LinkCondition{}) {
			control[r.Target] = r
		}
	}
	var out []string
	for _, r := range rows {
		c, ok := control[r.Target]
		if !ok || r.Err != nil || r.Condition == (LinkCondition{}) {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s: %+d elections (%d against %d)", r.Target, r.Condition.Label(), r.Elections-c.Elections, r.Elections, c.Elections))
	}
	return out
}

// holdOf is the faults' hold, from the first row that has a fault.
func holdOf(rows []LinksRow) string {
	for _, r := range rows {
		if len(r.Plan.Nemesis.Faults) > 0 {
			return plan.FormatDuration(r.Plan.Nemesis.Faults[0].Duration)
		}
	}
	return "-"
}
