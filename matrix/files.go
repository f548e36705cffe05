package matrix

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// write writes the matrix's index.html, junit.xml and matrix.json.
func (o Outcome) write() error {
	b, err := json.MarshalIndent(o.Matrix, "", "  ")
	if err != nil {
		return fmt.Errorf("encode matrix: %w", err)
	}
	ix := reports.Index{Title: "chaos matrix " + o.Name, Verdict: o.Verdict(), Note: o.note()}
	var junit []reports.JUnitRun
	for i, r := range o.Runs {
		rf := o.result(i)
		ix.Rows = append(ix.Rows, row(r, rf))
		j := reports.JUnitRun{Name: r.Name, Error: r.Error, Skipped: r.Skipped}
		if rf != nil {
			res := rf.Results()
			j.Results = &res
		} else if r.Error == "" && !r.Skipped {
			j.Error = "the run left no results.json"
		}
		junit = append(junit, j)
	}
	if o.Count > 1 {
		for _, c := range o.ByCell() {
			g := reports.IndexGroup{Name: c.Name, Validity: c.Verdict(), Rate: c.Rate()}
			for _, i := range c.Runs {
				g.Rows = append(g.Rows, ix.Rows[i])
			}
			ix.Groups = append(ix.Groups, g)
		}
	}
	return errors.Join(
		reports.WriteIndex(filepath.Join(o.Dir, IndexFile), ix),
		reports.WriteJUnitRuns(filepath.Join(o.Dir, runner.JUnitFile), junit),
		reports.WriteFileAtomic(filepath.Join(o.Dir, reports.MatrixJSON), append(b, '\n')),
	)
}

// note is the line under the index's title: when, how many runs, which
// part of the matrix, the exit code.
func (o Outcome) note() string {
	parts := []string{"started " + o.Started, fmt.Sprintf("%d runs", len(o.Runs))}
	if o.Count > 1 {
		parts = append(parts, fmt.Sprintf("%d repeats of %d cells", o.Count, len(o.Cells)))
	}
	if o.Seed != 0 {
		parts = append(parts, fmt.Sprintf("seed %d", o.Seed))
	}
	switch {
	case o.Shard != "":
		parts = append(parts, fmt.Sprintf("shard %s of %d runs", o.Shard, o.Total))
	case len(o.Shards) > 0:
		parts = append(parts, "merged from shards "+strings.Join(o.Shards, ", "))
	}
	if len(o.MissingShards) > 0 {
		parts = append(parts, "missing shards "+strings.Join(o.MissingShards, ", "))
	}
	return strings.Join(append(parts, fmt.Sprintf("exit code %d", o.ExitCode)), " · ")
}

// result is run i's results.json, or nil.
func (o Outcome) result(i int) *reports.ResultsFile {
	if i < len(o.results) {
		return o.results[i]
	}
	return nil
}

// row is one run's line in the matrix's index.
func row(r reports.MatrixRun, rf *reports.ResultsFile) reports.IndexRow {
	href := ""
	if r.Dir != "" {
		href = filepath.ToSlash(filepath.Join(r.Dir, runner.ReportFile))
	}
	switch {
	case rf != nil:
		return reports.Row(*rf, r.Name, href)
	case r.Skipped:
		return reports.IndexRow{Name: r.Name, Status: "not run"}
	default:
		return reports.IndexRow{Name: r.Name, Href: href, Status: "harness error", Problem: r.Error}
	}
}
