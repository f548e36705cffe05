package matrix

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// write writes the matrix's index.html, junit.xml and matrix.json.
func (o Outcome) write() error {
	b, err := json.MarshalIndent(o.Matrix, "", "  ")
	if err != nil {
		return fmt.Errorf("encode matrix: %w", err)
	}
	ix := reports.Index{Title: "chaos matrix " + o.Name, Verdict: o.Verdict(),
		Note: fmt.Sprintf("started %s · %d runs · exit code %d", o.Started, len(o.Runs), o.ExitCode)}
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
	return errors.Join(
		reports.WriteIndex(filepath.Join(o.Dir, IndexFile), ix),
		reports.WriteJUnitRuns(filepath.Join(o.Dir, runner.JUnitFile), junit),
		reports.WriteFileAtomic(filepath.Join(o.Dir, reports.MatrixJSON), append(b, '\n')),
	)
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
