package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/chaos-election/chaos/checkers"
)

//go:embed index.html.tmpl
var indexTemplate string

var indexTmpl = template.Must(template.New("index").Funcs(funcs).Parse(indexTemplate))

// Index is a page over many runs: the runs index (runs/index.html) or a
// matrix's index.html.
type Index struct {
	Title string
	// Verdict is the worst of the rows' (a matrix's overall verdict); ""
	// shows no banner.
	Verdict checkers.Validity
	// Note is one line under the title, e.g. what the exit code was.
	Note string
	// Matrices are the groups of runs (matrices, merged matrices, ...),
	// listed above the runs with their Kind.
	Matrices []IndexRow
	// Groups, when set, list the runs by cell (a matrix's repeats) in
	// place of Rows.
	Groups []IndexGroup
	Rows   []IndexRow
}

// IndexGroup is a cell of a matrix on its index: its detection rate over
// its repeats, and a row per repeat.
type IndexGroup struct {
	Name     string
	Validity checkers.Validity
	Rate     string // "invalid 7/10 · 3 valid"
	Rows     []IndexRow
}

// IndexRow is one run (or one group of runs) on an index page.
type IndexRow struct {
	Name     string
	Kind     string // a group's: "matrix", "merged matrix (4 of 4 shards)", ...
	Href     string // its report.html (or index.html), relative to the page
	Validity checkers.Validity
	Status   string // "" for a finished run; "error", "not run", ... otherwise
	Started  string // RFC 3339
	Summary  string
	Ops      int
	Seconds  float64
	Seed     int64
	Figures  string // the key figures in a few words
	Problem  string // the first fatal anomaly's sentence, or the error
}

// WriteIndex writes an index page atomically.
func WriteIndex(path string, ix Index) error {
	var buf bytes.Buffer
	if err := RenderIndex(&buf, ix); err != nil {
		return err
	}
	return writeAtomic(path, buf.Bytes())
}

// RenderIndex renders an index page to w.
func RenderIndex(w io.Writer, ix Index) error {
	if err := indexTmpl.Execute(w, ix); err != nil {
		return fmt.Errorf("render index: %w", err)
	}
	return nil
}

// Row fills an index row from a run's results.json.
func Row(rf ResultsFile, name, href string) IndexRow {
	row := IndexRow{Name: name, Href: href, Validity: rf.Validity, Started: rf.Started, Summary: rf.Summary,
		Ops: rf.Ops, Seconds: rf.DurationS, Seed: rf.Seed, Figures: KeyFigures(rf.Checkers)}
	if rf.Interrupted {
		row.Status = "interrupted"
	}
	for _, res := range rf.Checkers {
		for _, a := range res.Anomalies {
			if a.Fatal && row.Problem == "" {
				row.Problem = a.Message
			}
		}
	}
	return row
}

// KeyFigures are the figures a person scans a list of runs for: failover
// times, time without a leader, stale writes accepted, keys not
// linearizable.
func KeyFigures(results []checkers.Result) string {
	var parts []string
	for _, res := range results {
		f := res.Figures
		switch res.Checker {
		case "liveness":
			if f["failovers"] > 0 {
				parts = append(parts, fmt.Sprintf("failover median %.2f s, max %.2f s", f["failover_median_s"], f["failover_max_s"]))
			}
			if u := f["failovers_unresolved"]; u > 0 {
				parts = append(parts, fmt.Sprintf("%.0f unresolved", u))
			}
			parts = append(parts, fmt.Sprintf("no leader %.1f s", f["no_leader_total_s"]))
		case "stale-writes":
			if f["stale_accepted"] > 0 || f["stale_attempted"] > 0 {
				parts = append(parts, fmt.Sprintf("stale writes %.0f accepted of %.0f", f["stale_accepted"], f["stale_attempted"]))
			}
		case "dual-leaders":
			if f["split_brains"] > 0 {
				parts = append(parts, fmt.Sprintf("%.0f split brains", f["split_brains"]))
			}
		case "linearizable":
			parts = append(parts, fmt.Sprintf("%.0f/%.0f keys not linearizable", f["keys_invalid"], f["keys"]))
		}
	}
	return strings.Join(parts, " · ")
}

// SortNewestFirst orders rows by start time, newest first.
func SortNewestFirst(rows []IndexRow) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Started > rows[j].Started })
}
