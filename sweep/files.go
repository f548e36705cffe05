package sweep

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// build fills spec from dir and its matrix.json (m) and writes the
// sweep's three files there.
func build(spec reports.Sweep, dir string, m reports.Matrix) (Outcome, error) {
	s, err := fill(spec, dir, m)
	out := Outcome{Dir: dir, Sweep: s, matrix: m}
	if err != nil {
		return out, err
	}
	return out, write(dir, s)
}

// write writes sweep.json, sweep.html and junit.xml (one case per cell,
// over the matrix's one suite per run) in dir.
func write(dir string, s reports.Sweep) error {
	cases := make([]reports.JUnitCell, len(s.Cells))
	for i, c := range s.Cells {
		cases[i] = junitCell(c)
	}
	return errors.Join(
		reports.WriteSweep(filepath.Join(dir, reports.SweepJSON), s),
		reports.WriteSweepHTML(filepath.Join(dir, reports.SweepHTML), s),
		reports.WriteJUnitCells(filepath.Join(dir, runner.JUnitFile), "chaos sweep "+s.Name, cases),
	)
}

// junitCell is a cell as a test case: failing when any repeat was
// invalid; an error when the harness failed on one or one proved nothing
// (unknown); skipped when none ran here.
func junitCell(c reports.SweepCell) reports.JUnitCell {
	j := reports.JUnitCell{Name: c.Name, Out: cellWords(c)}
	first := func(match func(reports.SweepRun) bool) string {
		for _, r := range c.Runs {
			if match(r) && r.Problem != "" {
				return r.Name + ": " + r.Problem
			}
		}
		return ""
	}
	switch {
	case c.Invalid > 0:
		j.Failure = strings.TrimSuffix(c.Verdict+": "+first(func(r reports.SweepRun) bool { return r.Validity == "invalid" }), ": ")
	case c.Errors > 0:
		j.Error = strings.TrimSuffix(fmt.Sprintf("the harness failed on %d of %d repeats: %s", c.Errors, len(c.Runs),
			first(func(r reports.SweepRun) bool { return r.Status == reports.RunError })), ": ")
	case c.Unknown > 0:
		j.Error = strings.TrimSuffix(c.Verdict+": "+first(func(r reports.SweepRun) bool { return r.Validity == "unknown" }), ": ")
	case c.Done == 0:
		j.Skipped = c.Verdict + ": no repeat of the cell ran here"
	}
	return j
}

// cellWords is a cell's verdict and figures on one line.
func cellWords(c reports.SweepCell) string {
	f := func(v *float64) string {
		if v == nil {
			return "–"
		}
		return fmt.Sprintf("%.2f", *v)
	}
	return fmt.Sprintf("%s, unsafe %d/%d, %d failovers (p50 %s s, p95 %s s, max %s s), %s, %s elections/min, %s s without a leader; under %s",
		c.Verdict, c.Unsafe, c.Done, c.Failovers, f(c.FailoverP50), f(c.FailoverP95), f(c.FailoverMax),
		plural(c.FalseFailovers, "false failover", "false failovers"), f(c.ElectionsPerMinute), f(c.NoLeaderS), c.Under)
}

// IsSweep reports whether dir holds a sweep (its sweep.json), not just a
// matrix.
func IsSweep(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, reports.SweepJSON))
	return err == nil
}

// Rebuild recomputes a sweep's files from its directory: the sweep saved
// in sweep.json, matrix.json and the runs' results.json. It rewrites
// sweep.json, sweep.html and junit.xml, as the sweep itself last did or,
// after a merge of shards, as the whole sweep would have.
func Rebuild(dir string) (Outcome, error) {
	spec, err := reports.ReadSweep(filepath.Join(dir, reports.SweepJSON))
	if err != nil {
		return Outcome{}, runner.BadInput(fmt.Errorf("%s is not a sweep's directory: %w", dir, err))
	}
	m, err := reports.ReadMatrix(filepath.Join(dir, reports.MatrixJSON))
	if err != nil {
		return Outcome{}, runner.BadInput(fmt.Errorf("%s has a sweep but no matrix.json: %w", dir, err))
	}
	return build(spec, dir, m)
}
