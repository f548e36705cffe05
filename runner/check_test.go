package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
)

// A run directory checked again in place keeps its plan's seed, name and
// replay command in its results and report; the plan's checker options
// apply; a bad plan there is bad input.
func TestCheckRunDirInPlace(t *testing.T) {
	dir := t.TempDir()
	hist, err := os.ReadFile(filepath.Join("..", "checkers", "testdata", "invalid-stale-write.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, HistoryFile), hist, 0o644)
	p := plan.Default()
	p.Name, p.Seed, p.Checks.MinOps = "replayed", 42, 1000
	text, _ := p.YAML()
	os.WriteFile(filepath.Join(dir, plan.FileName), text, 0o644)

	out, err := Check(context.Background(), CheckConfig{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Results.Results {
		if r.Checker == "vacuity" && r.Validity != "unknown" {
			t.Errorf("the plan's min_ops of 1000 did not apply: vacuity %s (%s)", r.Validity, r.Summary)
		}
	}
	rf, err := reports.ReadResults(filepath.Join(dir, ResultsFile))
	if err != nil || rf.Seed != 42 || rf.Plan != "replayed" || rf.Files["plan"] != plan.FileName {
		t.Fatalf("results.json %+v: %v", rf, err)
	}
	report, _ := os.ReadFile(out.ReportPath)
	if !strings.Contains(string(report), "chaos run --config "+filepath.Join(dir, plan.FileName)) || !strings.Contains(string(report), "Replay") {
		t.Error("the report lost the replay command")
	}

	os.WriteFile(filepath.Join(dir, plan.FileName), []byte("nodes: many\n"), 0o644)
	if _, err := Check(context.Background(), CheckConfig{Path: dir}); ExitCode(err) != ExitBadInput {
		t.Fatalf("a bad plan beside the history: exit %d, %v", ExitCode(err), err)
	}
}
