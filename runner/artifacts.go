package runner

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/reports"
)

// writeArtifacts writes results.json, junit.xml and report.html of a run.
func writeArtifacts(rd RunDir, plan Plan, command string, started time.Time, ops []history.Op, r checkers.Results, nemErr error) error {
	links := []reports.Link{
		{Name: HistoryFile, Href: HistoryFile},
		{Name: ResultsFile, Href: ResultsFile},
		{Name: JUnitFile, Href: JUnitFile},
		{Name: PlanFile, Href: PlanFile},
	}
	files := map[string]string{"history": HistoryFile, "report": ReportFile, "junit": JUnitFile, "plan": PlanFile}
	for _, res := range r.Results {
		for _, f := range res.Files {
			links = append(links, reports.Link{Name: f, Href: f})
			files[res.Checker] = f
		}
	}
	logs, _ := filepath.Glob(filepath.Join(rd.Logs(), "*.log"))
	sort.Strings(logs)
	for _, l := range logs {
		rel := filepath.Join(LogsDir, filepath.Base(l))
		links = append(links, reports.Link{Name: rel, Href: rel})
		files[rel] = rel
	}
	rf := reports.ResultsFile{
		History: HistoryFile, Seed: plan.Seed, Plan: plan.Name,
		Started: started.UTC().Format(time.RFC3339), DurationS: time.Since(started).Seconds(),
		Warnings: []string{}, Files: files,
	}
	if nemErr != nil {
		rf.Warnings = append(rf.Warnings, "nemesis: "+nemErr.Error())
	}
	rf.Fill(r)
	planText, err := plan.YAML()
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	err = errors.Join(
		reports.WriteResults(rd.Results(), rf),
		reports.WriteJUnit(rd.JUnit(), plan.Name, r),
		reports.WriteHTML(rd.Report(), reports.Input{
			Title:   fmt.Sprintf("chaos: %s (%s)", plan.Name, plan.Summary()),
			Results: r, Ops: ops, Plan: string(planText), Seed: plan.Seed, Command: command,
			Started: started, Links: links,
		}),
	)
	if err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
