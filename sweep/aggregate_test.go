package sweep

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

func TestPercentile(t *testing.T) {
	ten := []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	for _, tt := range []struct {
		xs   []float64
		p    float64
		want float64
	}{
		{ten, 0.5, 5}, {ten, 0.95, 10}, {ten, 0.9, 9}, {ten, 1, 10}, {ten, 0.1, 1},
		{[]float64{1, 2, 3, 4}, 0.5, 2}, {[]float64{1, 2, 3, 4}, 0.95, 4},
		{[]float64{3.2}, 0.5, 3.2}, {[]float64{3.2}, 0.95, 3.2},
		{[]float64{2, 1}, 0.5, 1},
	} {
		got := percentile(tt.xs, tt.p)
		if got == nil || *got != tt.want {
			t.Errorf("p%g of %v: %v, want %g", tt.p*100, tt.xs, got, tt.want)
		}
	}
	if percentile(nil, 0.5) != nil || mean(nil) != nil || ratio(0, 0) != nil {
		t.Error("no values must give no figure")
	}
	if m := mean([]float64{1, 2, 6}); m == nil || *m != 3 {
		t.Errorf("mean %v", m)
	}
	if ten[0] != 10 {
		t.Error("percentile sorted its input in place")
	}
}

// The cells of a sweep directory: each figure from its runs' results,
// the verdicts, the page and the junit cases.
func TestRebuildAggregates(t *testing.T) {
	sw := loadTestSweep(t)
	dir := t.TempDir()
	layout(t, dir, sw, plan.Shard{}, map[string]fake{
		"lease_ttl-2s-none-r1":     {validity: checkers.Valid, falseFOs: 1, epm: 6, noLeader: 0.5},
		"lease_ttl-2s-none-r2":     {validity: checkers.Valid, epm: 4, noLeader: 0.3},
		"lease_ttl-2s-pause-2x-r1": {validity: checkers.Invalid, unsafe: "stale-writes", took: []float64{1.2, 2.0, 1.5}, epm: 12, noLeader: 4},
		"lease_ttl-2s-pause-2x-r2": {validity: checkers.Invalid, unsafe: "dual-leaders", took: []float64{1.1, 3.0}, lost: []float64{5.0}, epm: 10, noLeader: 6},
		"lease_ttl-4s-none-r1":     {validity: checkers.Valid, epm: 2, noLeader: 1},
		"lease_ttl-4s-none-r2":     {harness: "cluster up: docker gone"},
		"lease_ttl-4s-pause-2x-r1": {validity: checkers.Invalid, unsafe: "stale-writes", took: []float64{3.5, 4.0}, epm: 3, noLeader: 2},
		"lease_ttl-4s-pause-2x-r2": {validity: checkers.Unknown, vacuous: "too-few-ops", noLive: true},
	})
	out, err := Rebuild(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Cells) != 4 || out.Total != 8 || out.Count != 2 || out.Seed != 5 || out.Setting != "lease_ttl" || out.Validity != "invalid" || out.ExitCode != 1 {
		t.Fatalf("sweep: %d cells, total %d, count %d, seed %d, setting %q, %s exit %d", len(out.Cells), out.Total, out.Count, out.Seed, out.Setting, out.Validity, out.ExitCode)
	}
	if runner.ExitCode(out.Err()) != runner.ExitInvalid {
		t.Errorf("exit code of the command: %d", runner.ExitCode(out.Err()))
	}
	byName := map[string]reports.SweepCell{}
	for _, c := range out.Cells {
		byName[c.Name] = c
	}
	pause1 := byName["lease_ttl-2s-pause-2x"]
	eq := func(what string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s: %v, want %g", what, got, want)
		}
	}
	// Six failovers 1.1 1.2 1.5 2.0 3.0 5.0 (the last unresolved).
	if pause1.Failovers != 6 || pause1.Unresolved != 1 || pause1.Invalid != 2 || pause1.Unsafe != 2 || pause1.Done != 2 || pause1.Verdict != "invalid 2/2" {
		t.Errorf("2s pause: %+v", pause1)
	}
	eq("2s pause p50", pause1.FailoverP50, 1.5)
	eq("2s pause p95", pause1.FailoverP95, 5.0)
	eq("2s pause max", pause1.FailoverMax, 5.0)
	eq("2s pause elections/min", pause1.ElectionsPerMinute, 11)
	eq("2s pause no leader", pause1.NoLeaderS, 5)
	eq("2s pause unsafe fraction", pause1.UnsafeFraction, 1)
	if pause1.Under != "client pauses of 4 s" || byName["lease_ttl-4s-pause-2x"].Under != "client pauses of 8 s" || byName["lease_ttl-2s-none"].Under != "no faults" {
		t.Errorf("unders: %q %q %q", pause1.Under, byName["lease_ttl-4s-pause-2x"].Under, byName["lease_ttl-2s-none"].Under)
	}

	none1 := byName["lease_ttl-2s-none"]
	if none1.Failovers != 0 || none1.FailoverP95 != nil || none1.FalseFailovers != 1 || none1.Verdict != "valid 2/2" || none1.Unsafe != 0 {
		t.Errorf("2s control: %+v", none1)
	}
	eq("2s control elections/min", none1.ElectionsPerMinute, 5)
	eq("2s control no leader", none1.NoLeaderS, 0.4)
	eq("2s control unsafe fraction", none1.UnsafeFraction, 0)

	none3 := byName["lease_ttl-4s-none"]
	if none3.Done != 1 || none3.Errors != 1 || none3.Verdict != "valid 1/1" || none3.Runs[1].Status != reports.RunError || none3.Runs[1].Problem != "cluster up: docker gone" {
		t.Errorf("4s control: %+v", none3)
	}
	pause3 := byName["lease_ttl-4s-pause-2x"]
	if pause3.Invalid != 1 || pause3.Unknown != 1 || pause3.Unsafe != 1 || pause3.Verdict != "invalid 1/2" ||
		strings.Join(pause3.Runs[1].Vacuous, ",") != "too-few-ops" || pause3.Runs[1].ElectionsPerMinute != nil {
		t.Errorf("4s pause: %+v", pause3)
	}
	eq("4s pause elections/min (one run had no liveness)", pause3.ElectionsPerMinute, 3)
	eq("4s pause unsafe fraction", pause3.UnsafeFraction, 0.5)
	if r := pause3.Runs[0]; r.Seed != plan.RunSeed(5, "lease_ttl-4s-pause-2x-r1") || r.Dir != "lease_ttl-4s-pause-2x-r1/20261203T090000Z" || !r.Unsafe || r.Problem != "stale-writes in lease_ttl-4s-pause-2x-r1" {
		t.Errorf("4s pause r1: %+v", r)
	}

	want := []string{
		"no lease_ttl qualifies under none: 2s: 1 false failover; 4s: 1 of 2 repeats without a verdict here",
		"no lease_ttl qualifies under pause-2x: 2s: 2/2 unsafe; 4s: 1/2 unsafe",
	}
	for i, r := range out.Recommendations {
		if r.Text != want[i] || r.Value != "" {
			t.Errorf("recommendation %d: %q (value %q), want %q", i, r.Text, r.Value, want[i])
		}
	}

	// junit.xml: one case per cell.
	b, err := os.ReadFile(filepath.Join(dir, runner.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Errors   int    `xml:"errors,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if len(js.Suites) != 1 || js.Suites[0].Name != "chaos sweep t" || js.Suites[0].Tests != 4 || js.Suites[0].Failures != 2 || js.Suites[0].Errors != 1 {
		t.Fatalf("junit: %+v", js.Suites)
	}
	cs := js.Suites[0].Cases
	if cs[0].Name != "lease_ttl-2s-none" || cs[0].Failure != nil || cs[0].Error != nil ||
		cs[1].Failure == nil || cs[1].Failure.Message != "invalid 2/2: lease_ttl-2s-pause-2x-r1: stale-writes in lease_ttl-2s-pause-2x-r1" ||
		cs[2].Error == nil || cs[2].Error.Message != "the harness failed on 1 of 2 repeats: lease_ttl-4s-none-r2: cluster up: docker gone" ||
		cs[3].Failure == nil {
		t.Errorf("junit cases: %+v", cs)
	}

	// The page and sweep.json come out the same from the same directory.
	page, _ := os.ReadFile(filepath.Join(dir, reports.SweepHTML))
	doc, _ := os.ReadFile(filepath.Join(dir, reports.SweepJSON))
	if _, err := Rebuild(dir); err != nil {
		t.Fatal(err)
	}
	page2, _ := os.ReadFile(filepath.Join(dir, reports.SweepHTML))
	doc2, _ := os.ReadFile(filepath.Join(dir, reports.SweepJSON))
	if !bytes.Equal(page, page2) || !bytes.Equal(doc, doc2) {
		t.Error("Rebuild of its own output changed it")
	}
	if !strings.Contains(string(page), `href="lease_ttl-2s-pause-2x-r2/20261203T090000Z/report.html"`) {
		t.Error("the page does not link a run's report")
	}
}

// A real run's results.json, as `chaos check` writes it from a history
// with a stale write: unsafe, with the liveness checker's figures.
func TestRebuildReadsRealResults(t *testing.T) {
	sw := loadTestSweep(t)
	dir := t.TempDir()
	layout(t, dir, sw, plan.Shard{}, nil)
	rd, err := runner.NewRunDir(dir, "lease_ttl-2s-pause-2x-r1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h, err := os.ReadFile("../checkers/testdata/invalid-stale-write.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rd.History(), h, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := runner.Check(context.Background(), runner.CheckConfig{Path: rd.Path})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := reports.ReadMatrix(filepath.Join(dir, reports.MatrixJSON))
	rel, _ := filepath.Rel(dir, rd.Path)
	m.Runs[2] = reports.MatrixRun{Name: "lease_ttl-2s-pause-2x-r1", Dir: rel, Validity: res.Results.Validity}
	b, _ := jsonIndent(m)
	os.WriteFile(filepath.Join(dir, reports.MatrixJSON), b, 0o644)

	out, err := Rebuild(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := out.Cells[1].Runs[0]
	rf, _ := reports.ReadResults(rd.Results())
	var live checkers.Result
	for _, c := range rf.Checkers {
		if c.Checker == "liveness" {
			live = c
		}
	}
	if r.Status != reports.RunDone || r.Validity != checkers.Invalid || !r.Unsafe || r.ElectionsPerMinute == nil ||
		*r.ElectionsPerMinute != live.Figures["elections_per_minute"] || *r.NoLeaderS != live.Figures["no_leader_total_s"] || len(r.FailoversS) != len(live.Failovers) {
		t.Errorf("run from a real results.json: %+v (liveness %+v)", r, live.Figures)
	}
}
