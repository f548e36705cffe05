//go:build docker

package runner

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/internal/headless"
	"github.com/chaos-election/chaos/reports"
)

// A two-run matrix through the CLI: an unfenced leader paused past its
// lease first, then the same with fencing. Without --keep-going the matrix
// stops after the first run that is not valid. The exit code, matrix.json,
// the combined junit.xml and index.html must agree; the first run's
// report.html opens in headless Chromium with a lane per candidate, a
// shaded region per fault and, when the run is invalid, its anomaly's ops;
// `chaos report` rewrites it.
func TestMatrixAndReportInChromium(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "ci.yaml")
	os.WriteFile(file, []byte(`name: ci
base:
  target: etcd
  duration: 15s
  recovery: 3s
  lease_ttl: 2s
  nemesis:
    interval: 2s
    faults: [{kind: client-pause, victim: leader, duration: 6s}]
axes:
  resource: [none, token]
`), 0o644)
	runs := filepath.Join(dir, "runs")
	cmd := exec.Command(chaosBin, "matrix", "--runs", runs, file)
	out, _ := cmd.CombinedOutput()
	code := cmd.ProcessState.ExitCode()
	t.Logf("chaos matrix exited %d:\n%s", code, lastLines(string(out), 12))
	assertRunsLeftNothing(t, string(out))

	md := filepath.Join(runs, "ci", "latest")
	var mo reports.Matrix
	b, err := os.ReadFile(filepath.Join(md, reports.MatrixJSON))
	if err != nil || json.Unmarshal(b, &mo) != nil {
		t.Fatalf("matrix.json: %v", err)
	}
	if len(mo.Runs) != 2 || mo.Runs[0].Name != "none" || mo.Runs[1].Name != "token" {
		t.Fatalf("runs: %+v", mo.Runs)
	}
	first := mo.Runs[0]
	if first.Error != "" || first.Dir == "" {
		t.Fatalf("first run: %+v", first)
	}
	if first.Validity != checkers.Valid && !mo.Runs[1].Skipped {
		t.Errorf("without --keep-going the matrix went on after a %s run", first.Validity)
	}
	want := ExitInvalid
	switch {
	case first.Validity == checkers.Unknown:
		want = ExitUnknown
	case first.Validity == checkers.Valid:
		want = mo.Runs[1].Validity.ExitCode()
	}
	if code != want || mo.ExitCode != want {
		t.Errorf("exit %d, matrix.json %d; want %d from the runs %+v", code, mo.ExitCode, want, mo.Runs)
	}

	var js struct {
		Suites []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite"`
	}
	b, _ = os.ReadFile(filepath.Join(md, JUnitFile))
	if err := xml.Unmarshal(b, &js); err != nil || len(js.Suites) != 2 {
		t.Errorf("combined junit.xml: %v, %d suites", err, len(js.Suites))
	}
	index, _ := os.ReadFile(filepath.Join(md, reports.MatrixIndexHTML))
	if !strings.Contains(string(index), `href="`+filepath.ToSlash(first.Dir)+`/report.html"`) {
		t.Errorf("index.html does not link the first run's report")
	}
	if top, err := os.ReadFile(filepath.Join(runs, RunsIndexFile)); err != nil || !strings.Contains(string(top), ">ci</a>") {
		t.Errorf("runs/index.html does not list the matrix: %v", err)
	}

	runDir := filepath.Join(md, first.Dir)
	ops, _, err := history.ReadFile(filepath.Join(runDir, HistoryFile))
	if err != nil {
		t.Fatal(err)
	}
	faults := 0
	for _, op := range ops {
		if op.F == history.FFaultStart {
			faults++
		}
	}
	report := filepath.Join(runDir, ReportFile)
	shot := headless.CheckReport(t, report, headless.ReportWant{
		Lanes: []string{"n1", "n2", "n3", "observer"}, Faults: faults, Anomaly: first.Validity == checkers.Invalid,
	})
	t.Logf("screenshot of a real run's report: %s", shot)

	before, _ := os.ReadFile(report)
	os.Remove(report)
	rc := exec.Command(chaosBin, "report", runDir)
	if out, err := rc.CombinedOutput(); err != nil {
		t.Fatalf("chaos report: %v\n%s", err, out)
	}
	if after, _ := os.ReadFile(report); string(after) != string(before) {
		t.Error("chaos report wrote a different report from the run's")
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
