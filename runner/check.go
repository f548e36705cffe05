package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
)

// CheckConfig says what `chaos check` checks.
type CheckConfig struct {
	// Path is a run directory (holding history.jsonl) or a history file.
	Path string
	// Out is where results.json goes; "" puts it beside the history.
	Out string
	// Checks are the checkers' limits, with Strict; nil takes them from the
	// run directory's plan.yaml when there is one, else the defaults.
	Checks *plan.Checks
	Strict bool
	Log    *slog.Logger
}

// CheckOutcome is what a check found and where it wrote it.
type CheckOutcome struct {
	HistoryPath string
	ResultsPath string
	ReportPath  string // report.html, beside results.json
	Results     checkers.Results
	Warnings    []string
}

// Check reads a history, runs every checker that applies and writes
// results.json, with junit.xml and report.html beside it. Malformed input is a [BadInputError] (exit 254) naming the
// file and line; the verdict itself is in the outcome, not the error.
func Check(ctx context.Context, cfg CheckConfig) (CheckOutcome, error) {
	var out CheckOutcome
	hist, dir, err := locateHistory(cfg.Path)
	if err != nil {
		return out, BadInput(err)
	}
	out.HistoryPath = hist
	ops, warnings, err := history.ReadFile(hist)
	if err != nil {
		if history.IsParseError(err) {
			return out, BadInput(err)
		}
		if os.IsNotExist(err) || os.IsPermission(err) {
			return out, BadInput(err)
		}
		return out, fmt.Errorf("check %s: %w", hist, err)
	}
	out.Warnings = warnings
	pl, hasPlan, planErr := savedPlan(dir)
	var opts checkers.Options
	switch {
	case cfg.Checks != nil:
		opts = cfg.Checks.Options(cfg.Strict)
	case planErr != nil:
		return out, BadInput(planErr)
	case hasPlan:
		opts = pl.CheckerOptions()
	}
	out.ResultsPath = cfg.Out
	if out.ResultsPath == "" {
		out.ResultsPath = filepath.Join(filepath.Dir(hist), "results.json")
	}
	// Artifacts (linearizability.html) go beside results.json.
	opts.Dir = filepath.Dir(out.ResultsPath)
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return out, BadInput(fmt.Errorf("--out: %w", err))
	}
	out.Results = checkers.Run(ctx, ops, checkers.Suite(opts, checkers.DetectWorkloads(ops))...)
	rf := reports.ResultsFile{
		History:  relOrAbs(opts.Dir, hist),
		Warnings: warnings,
		Files:    map[string]string{"report": ReportFile, "junit": JUnitFile},
	}
	for _, res := range out.Results.Results {
		for _, f := range res.Files {
			rf.Files[res.Checker] = f
		}
	}
	meta := checkMeta(hist)
	if hasPlan && planErr == nil && filepath.Clean(dir) == filepath.Clean(opts.Dir) { // a run directory checked again in place
		text, _ := pl.YAML()
		abs, _ := filepath.Abs(filepath.Join(dir, plan.FileName))
		meta = planMeta(pl, string(text), "chaos run --config "+abs)
		rf.Seed, rf.Plan, rf.Summary = pl.Seed, pl.Name, pl.Summary()
		rf.Files = runFiles(dir, out.Results.Results)
	}
	rf.Fill(out.Results)
	out.ReportPath = filepath.Join(opts.Dir, ReportFile)
	err = errors.Join(reports.WriteResults(out.ResultsPath, rf), writeReports(opts.Dir, meta, rf, ops))
	if err != nil {
		return out, fmt.Errorf("check: %w", err)
	}
	return out, nil
}

// locateHistory resolves a run directory or a history file to the history
// file and the directory that holds it.
func locateHistory(path string) (hist, dir string, err error) {
	if path == "" {
		return "", "", fmt.Errorf("no history given: name a run directory or a history.jsonl file")
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", "", fmt.Errorf("history: %w", err)
	}
	if st.IsDir() {
		hist = filepath.Join(path, "history.jsonl")
		if _, err := os.Stat(hist); err != nil {
			return "", "", fmt.Errorf("%s is a directory without a history.jsonl: %w", path, err)
		}
		return hist, path, nil
	}
	return path, filepath.Dir(path), nil
}

// savedPlan is the plan saved in the run directory dir: hasPlan is false
// when dir holds none (a history from elsewhere). Its checker options
// apply when no flag gives others, and a run checked again in place keeps
// its plan, seed and logs in its results and report.
func savedPlan(dir string) (pl plan.Plan, hasPlan bool, err error) {
	planPath := filepath.Join(dir, plan.FileName)
	if _, err := os.Stat(planPath); err != nil {
		return plan.Plan{}, false, nil
	}
	pl, err = plan.Load(planPath, plan.Default())
	return pl, true, err
}

func relOrAbs(base, target string) string {
	if rel, err := filepath.Rel(base, target); err == nil {
		return rel
	}
	return target
}
