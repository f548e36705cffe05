package sweep

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// mixed are results of every sort for the test sweep's runs.
var mixed = map[string]fake{
	"lease_ttl-2s-none-r1":     {validity: checkers.Valid, falseFOs: 2, epm: 6, noLeader: 0.5},
	"lease_ttl-2s-none-r2":     {validity: checkers.Valid, epm: 4, noLeader: 0.25},
	"lease_ttl-2s-pause-2x-r1": {validity: checkers.Invalid, unsafe: "stale-writes", took: []float64{1.25, 2, 1.5}, epm: 12, noLeader: 4},
	"lease_ttl-2s-pause-2x-r2": {validity: checkers.Invalid, unsafe: "stale-writes", took: []float64{1}, lost: []float64{5}, epm: 10, noLeader: 6},
	"lease_ttl-4s-none-r1":     {validity: checkers.Valid, epm: 2, noLeader: 1},
	"lease_ttl-4s-none-r2":     {validity: checkers.Valid, epm: 2, noLeader: 1.5},
	"lease_ttl-4s-pause-2x-r1": {validity: checkers.Valid, took: []float64{3.5, 4}, epm: 3, noLeader: 2},
	"lease_ttl-4s-pause-2x-r2": {validity: checkers.Invalid, unsafe: "dual-leaders", took: []float64{3.25}, epm: 3, noLeader: 2.5},
}

// Shards 1/2 and 2/2 merged give the sweep's files byte for byte as the
// same sweep in one directory does: cells, verdicts, figures, page.
func TestMergeEqualsWhole(t *testing.T) {
	sw := loadTestSweep(t)
	root := t.TempDir()
	one, two, whole := filepath.Join(root, "one"), filepath.Join(root, "two"), filepath.Join(root, "whole")
	layout(t, one, sw, plan.Shard{I: 1, N: 2}, mixed)
	layout(t, two, sw, plan.Shard{I: 2, N: 2}, mixed)
	layout(t, whole, sw, plan.Shard{}, mixed)

	// Each shard alone: its own runs, the others elsewhere.
	o1, err := Rebuild(one)
	if err != nil {
		t.Fatal(err)
	}
	if o1.Shard != "1/2" || o1.Cells[0].Runs[0].Status != reports.RunDone || o1.Cells[0].Runs[1].Status != reports.RunElsewhere ||
		o1.Cells[1].Verdict != "invalid 1/1" || o1.Recommendations[0].Text != "no lease_ttl qualifies under none: 2s: 1 of 2 repeats without a verdict here, 2 false failovers; 4s: 1 of 2 repeats without a verdict here" {
		t.Errorf("shard 1/2 alone: %+v", o1.Sweep)
	}

	merged := filepath.Join(root, "merged")
	mo, err := Merge(context.Background(), []string{one, two}, merged, nil)
	if err != nil {
		t.Fatal(err)
	}
	wo, err := Rebuild(whole)
	if err != nil {
		t.Fatal(err)
	}
	if mo.Shard != "" || mo.Validity != "invalid" || runner.ExitCode(mo.Err()) != runner.ExitInvalid || len(mo.Cells) != 4 {
		t.Errorf("merged: shard %q, %s, exit %d, %d cells", mo.Shard, mo.Validity, runner.ExitCode(mo.Err()), len(mo.Cells))
	}
	for _, f := range []string{reports.SweepJSON, reports.SweepHTML, runner.JUnitFile} {
		a, errA := os.ReadFile(filepath.Join(merged, f))
		b, errB := os.ReadFile(filepath.Join(whole, f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: merged and whole differ (%v, %v)\nmerged:\n%.600s\nwhole:\n%.600s", f, errA, errB, a, b)
		}
	}
	// The figures are the whole sweep's, each run's seed the unsharded one.
	c := wo.Cells[3] // lease_ttl-4s-pause-2x
	if c.Verdict != "invalid 1/2" || c.Failovers != 3 || *c.FailoverP50 != 3.5 || *c.FailoverMax != 4 || c.Unsafe != 1 {
		t.Errorf("4s pause: %+v", c)
	}
	for _, c := range mo.Cells {
		for _, r := range c.Runs {
			if r.Status != reports.RunDone || r.Seed != plan.RunSeed(5, r.Name) {
				t.Errorf("%s: status %s, seed %d, want done and %d", r.Name, r.Status, r.Seed, plan.RunSeed(5, r.Name))
			}
		}
	}
	want := "lease_ttl 4s: 0/2 unsafe, 0 false failovers, no failover with no faults"
	if got := mo.Recommendations[0]; got.Value != "4s" || got.Text != want {
		t.Errorf("the control's recommendation: %+v, want %q", got, want)
	}
}

// Shards of different sweeps, or a matrix's shard among a sweep's, are
// refused before anything is written.
func TestMergeRefusesOtherShards(t *testing.T) {
	sw := loadTestSweep(t)
	root := t.TempDir()
	one, two := filepath.Join(root, "one"), filepath.Join(root, "two")
	layout(t, one, sw, plan.Shard{I: 1, N: 2}, nil)
	other, err := plan.ParseSweep("t.yaml", []byte(strings.Replace(testSweep, "seed: 5", "seed: 6", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if other, err = other.Expand(0, 0, plan.Shard{}); err != nil {
		t.Fatal(err)
	}
	layout(t, two, other, plan.Shard{I: 2, N: 2}, nil)
	out := filepath.Join(root, "out")
	_, err = Merge(context.Background(), []string{one, two}, out, nil)
	if !plan.IsError(err) || !strings.Contains(err.Error(), filepath.Join(two, reports.SweepJSON)+`: field "seed": 6, but `) {
		t.Errorf("another seed: %v", err)
	}
	os.Remove(filepath.Join(two, reports.SweepJSON)) // now a matrix's shard
	_, err = Merge(context.Background(), []string{one, two}, out, nil)
	if !plan.IsError(err) || !strings.Contains(err.Error(), two+": not a sweep's directory") {
		t.Errorf("a matrix's shard: %v", err)
	}
	if _, serr := os.Stat(out); !os.IsNotExist(serr) {
		t.Error("a refused merge wrote its directory")
	}
}

// A sweep's exit code and error are a matrix's, in the sweep's words.
func TestOutcomeErr(t *testing.T) {
	for _, tt := range []struct {
		m    reports.Matrix
		code int
		text string
	}{
		{reports.Matrix{ExitCode: runner.ExitValid}, runner.ExitValid, ""},
		{reports.Matrix{ExitCode: runner.ExitInvalid}, runner.ExitInvalid, ""},
		{reports.Matrix{ExitCode: runner.ExitUnknown}, runner.ExitUnknown, ""},
		{reports.Matrix{ExitCode: runner.ExitHarness}, runner.ExitHarness, "the harness failed on a run of the sweep (see its sweep.html)"},
		{reports.Matrix{ExitCode: runner.ExitInterrupted, Runs: []reports.MatrixRun{{Name: "a"}, {Name: "b", Skipped: true}}}, runner.ExitInterrupted,
			"the sweep was interrupted after 1 of 2 runs"},
	} {
		err := Outcome{Dir: "d", matrix: tt.m}.Err()
		if runner.ExitCode(err) != tt.code || (tt.text != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.text))) {
			t.Errorf("exit %d: error %v (code %d)", tt.m.ExitCode, err, runner.ExitCode(err))
		}
	}
}
