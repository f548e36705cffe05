package sweep

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// The checkers whose invalid verdict makes a run unsafe: two leaders at
// once, or a write accepted on a stale token. (An invalid liveness
// limit is slow, not unsafe.)
var unsafeCheckers = []string{"dual-leaders", "stale-writes"}

// fill is spec with every run's status and figures, every cell's, the
// sweep's verdict and its recommendations, from the matrix.json of dir
// (m) and the results.json of the runs it lists. A run m does not list is
// another shard's. A run m lists that the sweep does not know is an error:
// the directory is not this sweep's.
func fill(spec reports.Sweep, dir string, m reports.Matrix) (reports.Sweep, error) {
	s := bare(spec)
	s.Validity, s.ExitCode = m.Validity, m.ExitCode
	index := map[string][2]int{}
	for ci, c := range s.Cells {
		for ri, r := range c.Runs {
			index[r.Name] = [2]int{ci, ri}
			s.Cells[ci].Runs[ri].Status = reports.RunElsewhere
		}
	}
	for _, mr := range m.Runs {
		at, ok := index[mr.Name]
		if !ok {
			return s, fmt.Errorf("%s lists run %q, which is not a run of sweep %s", filepath.Join(dir, reports.MatrixJSON), mr.Name, s.Name)
		}
		s.Cells[at[0]].Runs[at[1]] = runOf(s.Cells[at[0]].Runs[at[1]], dir, mr)
	}
	for i := range s.Cells {
		s.Cells[i] = cellOf(s.Cells[i])
	}
	s.Recommendations = recommend(s)
	return s, nil
}

// runOf is run r as dir's matrix.json and its results.json say it ended.
func runOf(r reports.SweepRun, dir string, mr reports.MatrixRun) reports.SweepRun {
	r.Dir = filepath.ToSlash(mr.Dir)
	if mr.Seed != 0 {
		r.Seed = mr.Seed // the seed a run drew when the sweep gave none
	}
	switch {
	case mr.Error != "":
		r.Status, r.Problem = reports.RunError, mr.Error
		return r
	case mr.Skipped:
		r.Status = reports.RunNotRun
		return r
	case mr.Dir == "":
		r.Status, r.Problem = reports.RunError, "the run left no directory"
		return r
	}
	rf, err := reports.ReadResults(filepath.Join(dir, mr.Dir, runner.ResultsFile))
	if err != nil {
		r.Status, r.Problem = reports.RunError, fmt.Sprintf("the run left no results: %v", err)
		return r
	}
	r.Status, r.Validity = reports.RunDone, rf.Validity
	for _, res := range rf.Checkers {
		if slices.Contains(unsafeCheckers, res.Checker) && res.Validity == checkers.Invalid {
			r.Unsafe = true
		}
		for _, a := range res.Anomalies {
			if !a.Fatal {
				continue
			}
			if r.Problem == "" {
				r.Problem = a.Message
			}
			if res.Checker == "vacuity" {
				r.Vacuous = append(r.Vacuous, a.Kind)
			}
		}
		if res.Checker != "liveness" {
			continue
		}
		for _, fo := range res.Failovers {
			r.FailoversS = append(r.FailoversS, fo.TookS)
			if !fo.Resolved {
				r.Unresolved++
			}
		}
		epm, nl := res.Figures["elections_per_minute"], res.Figures["no_leader_total_s"]
		r.FalseFailovers = int(res.Figures["false_failovers"])
		r.ElectionsPerMinute, r.NoLeaderS = &epm, &nl
	}
	return r
}

// cellOf is c with its figures and verdict from its runs.
func cellOf(c reports.SweepCell) reports.SweepCell {
	var took, epm, noLeader []float64
	for _, r := range c.Runs {
		switch r.Status {
		case reports.RunError:
			c.Errors++
			continue
		case reports.RunDone:
		default:
			continue
		}
		c.Done++
		switch r.Validity {
		case checkers.Invalid:
			c.Invalid++
		case checkers.Unknown:
			c.Unknown++
		}
		if r.Unsafe {
			c.Unsafe++
		}
		took = append(took, r.FailoversS...)
		c.Unresolved += r.Unresolved
		c.FalseFailovers += r.FalseFailovers
		if r.ElectionsPerMinute != nil {
			epm = append(epm, *r.ElectionsPerMinute)
		}
		if r.NoLeaderS != nil {
			noLeader = append(noLeader, *r.NoLeaderS)
		}
	}
	c.Failovers = len(took)
	c.FailoverP50, c.FailoverP95, c.FailoverMax = percentile(took, 0.50), percentile(took, 0.95), percentile(took, 1)
	c.ElectionsPerMinute, c.NoLeaderS = mean(epm), mean(noLeader)
	c.UnsafeFraction = ratio(c.Unsafe, c.Done)
	c.Verdict = verdict(c)
	return c
}

// verdict is a cell's verdict in a few words: "invalid 2/5" (of the runs
// with a verdict), "unknown 1/5", "valid 5/5"; "error", "not run" or
// "elsewhere" when none has one.
func verdict(c reports.SweepCell) string {
	switch {
	case c.Invalid > 0:
		return fmt.Sprintf("invalid %d/%d", c.Invalid, c.Done)
	case c.Unknown > 0:
		return fmt.Sprintf("unknown %d/%d", c.Unknown, c.Done)
	case c.Done > 0:
		return fmt.Sprintf("valid %d/%d", c.Done, c.Done)
	case c.Errors > 0:
		return "error"
	}
	for _, r := range c.Runs {
		if r.Status == reports.RunNotRun {
			return reports.RunNotRun
		}
	}
	return reports.RunElsewhere
}
