package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
)

// writeArtifacts writes results.json, junit.xml and report.html of a run,
// and returns the run's warnings (a fault that failed, in plain words).
func writeArtifacts(rd RunDir, pl plan.Plan, command string, started time.Time, ops []history.Op, r checkers.Results, interrupted bool, nemErr error) ([]string, error) {
	rf := reports.ResultsFile{
		History: HistoryFile, Seed: pl.Seed, Plan: pl.Name, Summary: pl.Summary(),
		Started: started.UTC().Format(time.RFC3339), DurationS: time.Since(started).Seconds(),
		Interrupted: interrupted, Warnings: []string{}, Files: runFiles(rd.Path, r.Results),
	}
	fes := nemesis.FaultErrors(nemErr)
	for _, fe := range fes { // the sentence in warnings, the raw error beside it
		rf.AddFaultError(reports.FaultError{Fault: fe.Fault, Kind: fe.Kind, Node: fe.Node, Step: fe.Step,
			Sentence: fe.Sentence(), Error: fe.Error()})
	}
	if nemErr != nil && len(fes) == 0 { // not a fault's error
		rf.Warnings = append(rf.Warnings, "nemesis: "+nemErr.Error())
	}
	rf.Fill(r)
	planText, err := pl.YAML()
	if err != nil {
		return rf.Warnings, fmt.Errorf("encode plan: %w", err)
	}
	err = errors.Join(
		reports.WriteResults(rd.Results(), rf),
		writeReports(rd.Path, planMeta(pl, string(planText), command), rf, ops),
	)
	if err != nil {
		return rf.Warnings, fmt.Errorf("write results: %w", err)
	}
	return rf.Warnings, nil
}

// reportMeta is what a report says of where its history came from,
// beyond the results: a run's plan, or a checked history's file.
type reportMeta struct {
	Name     string // the junit suite's name
	Title    string
	PlanText string // "" for a history that no plan made
	Command  string // what reproduces the results: the replay, or the check
}

func planMeta(pl plan.Plan, planText, command string) reportMeta {
	return reportMeta{Name: pl.Name, Title: fmt.Sprintf("chaos: %s (%s)", pl.Name, pl.Summary()), PlanText: planText, Command: command}
}

// checkMeta is the report's header for a history checked on its own (no
// plan.yaml beside it): `chaos check` of an application's history.
func checkMeta(hist string) reportMeta {
	abs, err := filepath.Abs(hist)
	if err != nil {
		abs = hist
	}
	name := strings.TrimSuffix(filepath.Base(hist), filepath.Ext(hist))
	return reportMeta{Name: name, Title: "chaos check: " + filepath.Base(hist), Command: "chaos check " + abs}
}

// writeReports writes junit.xml and report.html into dir from the
// results, the history and the meta: after a run, after `chaos check`, and
// again for `chaos report`.
func writeReports(dir string, m reportMeta, rf reports.ResultsFile, ops []history.Op) error {
	r := rf.Results()
	started, _ := time.Parse(time.RFC3339, rf.Started)
	return errors.Join(
		reports.WriteJUnit(filepath.Join(dir, JUnitFile), m.Name, r),
		reports.WriteHTML(filepath.Join(dir, ReportFile), reports.Input{
			Title:   m.Title,
			Results: r, Ops: ops, Plan: m.PlanText, Seed: rf.Seed, Command: m.Command,
			Started: started, Links: runLinks(rf), Interrupted: rf.Interrupted, Warnings: rf.Warnings,
		}),
	)
}

// runFiles lists the run's files for results.json: its own, the
// checkers' artifacts and the container logs.
func runFiles(dir string, results []checkers.Result) map[string]string {
	files := map[string]string{"history": HistoryFile, "report": ReportFile, "junit": JUnitFile, "plan": plan.FileName}
	for _, res := range results {
		for _, f := range res.Files {
			files[res.Checker] = f
		}
	}
	logs, _ := filepath.Glob(filepath.Join(dir, LogsDir, "*.log"))
	for _, l := range logs {
		rel := filepath.Join(LogsDir, filepath.Base(l))
		files[rel] = rel
	}
	return files
}

// runLinks are the report's links: the history, results.json, junit.xml
// and the plan (when there is one), then the checkers' artifacts, then the
// logs, each group in name order.
func runLinks(rf reports.ResultsFile) []reports.Link {
	hist := rf.History
	if hist == "" {
		hist = HistoryFile
	}
	links := []reports.Link{{Name: filepath.Base(hist), Href: filepath.ToSlash(hist)}, {Name: ResultsFile, Href: ResultsFile}, {Name: JUnitFile, Href: JUnitFile}}
	if p := rf.Files["plan"]; p != "" {
		links = append(links, reports.Link{Name: p, Href: p})
	}
	var artifacts, logs []string
	for key, f := range rf.Files {
		switch {
		case key == "history" || key == "report" || key == "junit" || key == "plan":
		case filepath.Dir(f) == LogsDir:
			logs = append(logs, f)
		default:
			artifacts = append(artifacts, f)
		}
	}
	sort.Strings(artifacts)
	sort.Strings(logs)
	for _, f := range append(artifacts, logs...) {
		links = append(links, reports.Link{Name: f, Href: f})
	}
	return links
}

// ReportOutcome is what `chaos report` rewrote.
type ReportOutcome struct {
	Dir      string
	Validity checkers.Validity
}

// Report rewrites report.html and junit.xml of the run in dir (a run
// directory, or one whose "latest" link leads to one) from its saved
// results.json, history and plan.yaml (a directory `chaos check` wrote
// into has no plan: its report says so); the checkers are not run again
// (`chaos check` does that).
func Report(dir string) (ReportOutcome, error) {
	if _, err := os.Stat(filepath.Join(dir, ResultsFile)); err != nil {
		if _, lerr := os.Stat(filepath.Join(dir, latestLink, ResultsFile)); lerr == nil {
			dir = filepath.Join(dir, latestLink)
		} else {
			return ReportOutcome{}, BadInput(fmt.Errorf("%s: not a run directory (no %s): %w", dir, ResultsFile, err))
		}
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real // the replay command names the run, not "latest"
	}
	out := ReportOutcome{Dir: dir}
	rf, err := reports.ReadResults(filepath.Join(dir, ResultsFile))
	if err != nil {
		return out, BadInput(err)
	}
	out.Validity = rf.Validity
	hist := rf.History
	if hist == "" {
		hist = HistoryFile
	}
	ops, _, err := history.ReadFile(filepath.Join(dir, hist))
	if err != nil {
		return out, fmt.Errorf("report %s: %w", dir, err)
	}
	meta := checkMeta(filepath.Join(dir, hist))
	planPath := filepath.Join(dir, plan.FileName)
	planText, err := os.ReadFile(planPath)
	switch {
	case err == nil:
		pl, err := plan.Parse(planPath, planText, plan.Default())
		if err != nil {
			return out, err
		}
		abs, _ := filepath.Abs(planPath)
		meta = planMeta(pl, string(planText), "chaos run --config "+abs)
	case !os.IsNotExist(err):
		return out, BadInput(fmt.Errorf("report %s: %w", dir, err))
	}
	if err := writeReports(dir, meta, rf, ops); err != nil {
		return out, fmt.Errorf("report %s: %w", dir, err)
	}
	return out, nil
}
