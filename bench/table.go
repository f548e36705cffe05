package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/chaos-election/chaos/plan"
)

// WriteFailoverTable writes rows as a Markdown table, with the settings
// the runs used. When a row elects by a lease recipe the table has a
// recipe column (the setting as run, "lease-observed 4s/3s/1s") and the
// settings say each recipe's timings, hold and fault window; rows of the
// native recipe alone give the table of before the recipe axis.
func WriteFailoverTable(w io.Writer, rows []FailoverRow) error {
	withRecipe := slices.ContainsFunc(rows, func(r FailoverRow) bool { return r.Plan.LeaseRecipe() })
	var b strings.Builder
	if withRecipe {
		b.WriteString("| backend | recipe | fault on the leader's node | failovers | median | max | unresolved | survived | verdict |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	} else {
		b.WriteString("| backend | fault on the leader's node | failovers | median | max | unresolved | survived | verdict |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|\n")
	}
	for _, r := range rows {
		lead := r.Target
		if withRecipe {
			lead += " | " + settingOf(r.Plan).Label()
		}
		if r.Err != nil {
			fmt.Fprintf(&b, "| %s | %s | | | | | | error: %v |\n", lead, r.Fault, firstLineOf(r.Err.Error()))
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %.2f s | %.2f s | %d | %d | %s |\n",
			lead, r.Fault, r.Failovers, r.Median.Seconds(), r.Max.Seconds(), r.Unresolved, r.Survived, r.Validity)
	}
	if len(rows) > 0 {
		writeSettings(&b, rows, withRecipe)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSettings writes the settings lines below the table: the plan's
// common settings, then, with a recipe column, each recipe's timings and
// the hold and fault window of its rows.
func writeSettings(b *strings.Builder, rows []FailoverRow, withRecipe bool) {
	p := rows[0].Plan
	if uniformWindow(rows) {
		fmt.Fprintf(b, "\nSettings: %d nodes, lease/session TTL %s, resource %s, one fault every %s, held %s, %s of faults, %s recovery.\n",
			p.Nodes, plan.FormatDuration(p.LeaseTTL), p.Resource, plan.FormatDuration(p.Nemesis.Interval),
			plan.FormatDuration(p.Nemesis.Faults[0].Duration), plan.FormatDuration(p.Duration), plan.FormatDuration(p.Recovery))
	} else {
		fmt.Fprintf(b, "\nSettings: %d nodes, resource %s, one fault every %s, %s recovery; the lease TTL, the hold (at least the lease TTL + %s) and the fault window of each recipe below.\n",
			p.Nodes, p.Resource, plan.FormatDuration(p.Nemesis.Interval), plan.FormatDuration(p.Recovery), plan.FormatDuration(leaseMargin))
	}
	if withRecipe {
		var labels []string
		windows := map[string][]string{}
		for _, r := range rows {
			l := settingOf(r.Plan).Label()
			if _, ok := windows[l]; !ok {
				labels = append(labels, l)
			}
			w := fmt.Sprintf("held %s, %s of faults", plan.FormatDuration(r.Plan.Nemesis.Faults[0].Duration), plan.FormatDuration(r.Plan.Duration))
			if !slices.Contains(windows[l], w) {
				windows[l] = append(windows[l], w)
			}
		}
		for _, l := range labels {
			i := slices.IndexFunc(rows, func(r FailoverRow) bool { return settingOf(r.Plan).Label() == l })
			fmt.Fprintf(b, "Recipe %s: %s; %s.\n", l, recipeTimings(rows[i].Plan), strings.Join(windows[l], "; "))
		}
	}
	for _, r := range rows {
		if r.Target == plan.TargetKubernetes && !r.Plan.LeaseRecipe() {
			fmt.Fprintf(b, "Kubernetes: %s.\n", recipeTimings(r.Plan))
			break
		}
	}
	for _, r := range rows {
		if r.Target == "consul" {
			fmt.Fprintf(b, "Consul: session lock-delay %s, behavior %s.\n", plan.FormatDuration(r.Plan.Consul.LockDelay), r.Plan.Consul.Behavior)
			break
		}
	}
	b.WriteString("Backend settings are those of the shipped compose files (compose/files/).\n")
}

// uniformWindow reports whether every row ran with the same lease TTL,
// hold and fault window, which the first settings line then states.
func uniformWindow(rows []FailoverRow) bool {
	p := rows[0].Plan
	return !slices.ContainsFunc(rows, func(r FailoverRow) bool {
		return r.Plan.LeaseTTL != p.LeaseTTL || r.Plan.Duration != p.Duration ||
			r.Plan.Nemesis.Faults[0].Duration != p.Nemesis.Faults[0].Duration
	})
}

// recipeTimings says what the recipe of p elects by, with its timings.
func recipeTimings(p plan.Plan) string {
	t := p.Timings()
	switch p.Recipe {
	case plan.RecipeLeaseTimestamp:
		return fmt.Sprintf("lease record, lease_ttl %s, renew_every %s, expiry by the holder's own clock",
			plan.FormatDuration(p.LeaseTTL), plan.FormatDuration(t.RenewEvery))
	case plan.RecipeLeaseObserved:
		return fmt.Sprintf("client-go's LeaderElector, lease_ttl (LeaseDuration) %s, renew_deadline %s, retry_period %s",
			plan.FormatDuration(p.LeaseTTL), plan.FormatDuration(t.RenewDeadline), plan.FormatDuration(t.RetryPeriod))
	}
	if p.Target == plan.TargetKubernetes {
		return fmt.Sprintf("client-go's LeaderElector on a Lease, lease_ttl (LeaseDuration) %s, renew_deadline %s, retry_period %s",
			plan.FormatDuration(p.LeaseTTL), plan.FormatDuration(t.RenewDeadline), plan.FormatDuration(t.RetryPeriod))
	}
	return fmt.Sprintf("the backend's own, session TTL %s", plan.FormatDuration(p.LeaseTTL))
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
