package reports

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/checkers"
)

var timedOut = FaultError{
	Fault: "partition isolate-leader", Kind: "partition", Node: "n2", Step: "start",
	Sentence: "partition isolate-leader: could not cut n2's links: timed out",
	Error: `start partition isolate-leader: cut n2's links: cut: netctl drop --from 10.5.0.3 on n2: create sidecar: ` +
		`Post "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/create?name=x": context deadline exceeded`,
}

// A fault that failed: results.json has its sentence and its raw error;
// report.html and the text summary show the sentence, never the raw
// error.
func TestFaultErrorShownInPlainWords(t *testing.T) {
	ops := sample()
	r := checkers.Run(context.Background(), ops, checkers.Election(checkers.Options{})...)
	var rf ResultsFile
	rf.History = "history.jsonl"
	rf.Fill(r)
	rf.AddFaultError(timedOut)
	again := timedOut
	again.Error += " (again)"
	rf.AddFaultError(again) // the same failure, retried: listed, not warned twice
	dir := t.TempDir()
	path := filepath.Join(dir, "results.json")
	if err := WriteResults(path, rf); err != nil {
		t.Fatal(err)
	}
	got, err := ReadResults(path)
	if err != nil || !reflect.DeepEqual(got.FaultErrors, []FaultError{timedOut, again}) ||
		!reflect.DeepEqual(got.Warnings, []string{"nemesis: " + timedOut.Sentence}) {
		t.Fatalf("results.json round trip: %v: %+v %q", err, got.FaultErrors, got.Warnings)
	}

	html := filepath.Join(dir, "report.html")
	if err := WriteHTML(html, Input{Title: "run", Results: got.Results(), Ops: ops, Warnings: got.Warnings}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(html)
	page := strings.ReplaceAll(string(b), "&#39;", "'")
	if !strings.Contains(page, timedOut.Sentence) || strings.Contains(page, "docker.sock") || strings.Contains(page, "deadline exceeded") {
		t.Errorf("report.html does not show the sentence alone")
	}
	var sum bytes.Buffer
	WriteSummary(&sum, got.Results(), got.Warnings)
	if !strings.Contains(sum.String(), "warning: nemesis: "+timedOut.Sentence+"\n") || strings.Contains(sum.String(), "docker.sock") {
		t.Errorf("summary:\n%s", sum.String())
	}
}

// Without fault errors results.json has no fault_errors key: files of
// runs without failures are what they were.
func TestNoFaultErrorsNoKey(t *testing.T) {
	var rf ResultsFile
	rf.Fill(checkers.Results{Validity: checkers.Valid})
	path := filepath.Join(t.TempDir(), "results.json")
	if err := WriteResults(path, rf); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "fault_errors") {
		t.Errorf("results.json without fault errors:\n%s", b)
	}
}
