package runner

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/plan"
)

// runDirWithHistory makes a run directory holding a history from
// checkers/testdata, and returns it with the history's ops.
func runDirWithHistory(t *testing.T, root, name, historyFile string) (RunDir, []history.Op) {
	t.Helper()
	rd, err := NewRunDir(root, name, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("../checkers/testdata", historyFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rd.History(), b, 0o644); err != nil {
		t.Fatal(err)
	}
	ops, _, err := history.ReadFile(rd.History())
	if err != nil {
		t.Fatal(err)
	}
	return rd, ops
}

// fakeRun writes a run directory as `chaos run` leaves it, from a history
// in checkers/testdata, without Docker.
func fakeRun(t *testing.T, root, name, historyFile string) RunDir {
	t.Helper()
	rd, ops := runDirWithHistory(t, root, name, historyFile)
	pl := plan.Default()
	pl.Name, pl.Seed = name, 42
	if err := writePlan(rd, pl); err != nil {
		t.Fatal(err)
	}
	r := checkers.Run(context.Background(), ops, checkers.Election(pl.CheckerOptions())...)
	if _, err := writeArtifacts(rd, pl, "chaos run --config "+rd.Plan(), time.Now(), ops, r, false, nil); err != nil {
		t.Fatal(err)
	}
	return rd
}

func TestReportRegenerates(t *testing.T) {
	root := t.TempDir()
	rd := fakeRun(t, root, "stale", "invalid-stale-write.jsonl")
	before, _ := os.ReadFile(rd.Report())
	os.Remove(rd.Report())
	os.Remove(rd.JUnit())
	out, err := Report(filepath.Join(root, "stale")) // through the latest link
	if err != nil {
		t.Fatal(err)
	}
	if out.Validity != checkers.Invalid || out.Dir != rd.Path {
		t.Fatalf("report: %+v, want invalid in %s", out, rd.Path)
	}
	after, err := os.ReadFile(rd.Report())
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Error("the regenerated report differs from the run's")
	}
	if _, err := os.Stat(rd.JUnit()); err != nil {
		t.Error("junit.xml was not rewritten")
	}
	if _, err := Report(t.TempDir()); ExitCode(err) != ExitBadInput {
		t.Errorf("a directory without a run: %v (exit %d), want 254", err, ExitCode(err))
	}
}
