package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
)

// A fault that failed reaches the user as a sentence (the warnings, the
// summary, report.html), and results.json keeps the raw error beside it.
func TestFaultErrorSentenceAndRawError(t *testing.T) {
	raw := fmt.Errorf(`cut: netctl drop --from 172.29.0.3 on n2: create sidecar: Post "http://%%2Fvar%%2Frun%%2Fdocker.sock/v1.41/containers/create": %w`,
		context.DeadlineExceeded)
	nemErr := errors.Join(&nemesis.FaultError{Fault: "partition isolate-leader", Kind: "partition", Node: "n2", Step: nemesis.StepStart,
		Action: "cut n2's links", Err: raw})
	rd, ops := runDirWithHistory(t, t.TempDir(), "fault-error", "valid.jsonl")
	pl := plan.Default()
	r := checkers.Run(context.Background(), ops, checkers.Election(pl.CheckerOptions())...)
	warnings, err := writeArtifacts(rd, pl, "chaos run", time.Now(), ops, r, false, nemErr)
	if err != nil {
		t.Fatal(err)
	}
	sentence := "nemesis: partition isolate-leader: could not cut n2's links: timed out"
	if len(warnings) != 1 || warnings[0] != sentence {
		t.Errorf("warnings %q, want [%q]", warnings, sentence)
	}
	rf, err := reports.ReadResults(rd.Results())
	if err != nil {
		t.Fatal(err)
	}
	if len(rf.FaultErrors) != 1 || rf.FaultErrors[0].Node != "n2" || rf.FaultErrors[0].Step != "start" ||
		!strings.Contains(rf.FaultErrors[0].Error, "docker.sock") || strings.Contains(rf.FaultErrors[0].Sentence, "docker.sock") {
		t.Errorf("results.json fault_errors: %+v", rf.FaultErrors)
	}
	html, _ := os.ReadFile(rd.Report())
	if !strings.Contains(string(html), "could not cut n2&#39;s links: timed out") || strings.Contains(string(html), "docker.sock") {
		t.Errorf("report.html does not show the sentence alone")
	}
	var sum strings.Builder
	PrintOutcome(&sum, RunOutcome{Dir: rd.Path, Results: r, Warnings: warnings})
	if !strings.Contains(sum.String(), "warning: "+sentence) {
		t.Errorf("the summary lacks the sentence:\n%s", sum.String())
	}
}
