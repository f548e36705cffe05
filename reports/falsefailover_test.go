package reports

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
)

// A false failover (the checkers' edge history: n1's session expires
// under a link delay, n2 is granted at op 15) is in the report as a
// liveness sentence, a note in the anomalies table, and a mark of its own
// colour on the timeline over the change (3.1 s to 3.4 s), named in the
// legend; the figure is in the figures table. Past the plan's limit it is
// the verdict, explained.
func TestReportFalseFailover(t *testing.T) {
	ops, _, err := history.ReadFile(filepath.Join("..", "checkers", "testdata", "edge-false-failover.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	page := func(opts checkers.Options) string {
		r := checkers.Run(context.Background(), ops, checkers.Election(opts)...)
		path := filepath.Join(t.TempDir(), "report.html")
		if err := WriteHTML(path, Input{Title: "false", Results: r, Ops: ops}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	p := page(checkers.Options{})
	for _, want := range []string{
		"1 leadership change was a false failover, a new leader while no fault had removed the old one: n2 after n1 at 3.10–3.40 s (op 15).",
		`<td>liveness</td><td>false-failover</td><td>n2 took over from n1 at 3.40 s (token 5 → 9) while no fault had removed n1`,
		`class="anom-note anom-false-failover" data-t0="3.100" data-t1="3.400"`,
		`▭ false failover (no fault had removed the leader)`,
		`<td>liveness</td><td>false_failovers</td><td>1</td>`,
	} {
		if !strings.Contains(p, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(p, `data-anomaly="0" class="anom-fatal`) {
		t.Error("a false failover drawn as fatal without a limit")
	}

	p = page(checkers.Options{Limits: checkers.Limits{MaxFalseFailovers: checkers.AtMost(0)}})
	for _, want := range []string{
		"More leaders were replaced than the plan allows while no fault had removed them",
		`<td>liveness</td><td>too-many-false-failovers</td><td>1 false failover, more than the limit of 0`,
		`class="anom-fatal" data-t0="3.100" data-t1="3.400"`,
	} {
		if !strings.Contains(p, want) {
			t.Errorf("report past the limit lacks %q", want)
		}
	}

	// Without false failovers (the sample's change follows a pause of the
	// leader), neither a sentence nor a legend entry.
	r := checkers.Run(context.Background(), sample(), checkers.Election(checkers.Options{})...)
	var buf strings.Builder
	if err := RenderHTML(&buf, Input{Title: "sample", Results: r, Ops: sample()}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "false failover") || !strings.Contains(buf.String(), `<td>liveness</td><td>false_failovers</td><td>0</td>`) {
		t.Error("the sample's report speaks of false failovers, or lacks the figure 0")
	}
}
