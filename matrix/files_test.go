package matrix

import (
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

func TestRunsIndexAndMatrixFiles(t *testing.T) {
	root := t.TempDir()
	fakeRun(t, root, "good", "valid.jsonl")
	fakeRun(t, root, "bad", "invalid-stale-write.jsonl")
	// A matrix with one run done, one failed by the harness, one not run.
	md, err := runner.NewGroupDir(root, "nightly", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	inner := fakeRun(t, md.Path, "etcd-partitions", "invalid-stale-write.jsonl")
	rf, err := reports.ReadResults(inner.Results())
	if err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(md.Path, inner.Path)
	o := Outcome{Dir: md.Path, Matrix: reports.Matrix{Name: "nightly", Started: time.Now().UTC().Format(time.RFC3339), Runs: []reports.MatrixRun{
		{Name: "etcd-partitions", Dir: rel, Validity: checkers.Invalid},
		{Name: "zookeeper-partitions", Error: "cluster up: docker unreachable"},
		{Name: "consul-partitions", Skipped: true},
	}}, results: []*reports.ResultsFile{&rf, nil, nil}}
	o.finish(context.Background())
	if err := o.write(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(md.Path, runner.JUnitFile))
	var js struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Failures int    `xml:"failures,attr"`
			Errors   int    `xml:"errors,attr"`
			Skipped  int    `xml:"skipped,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if len(js.Suites) != 3 || js.Suites[0].Failures == 0 || js.Suites[1].Errors != 1 || js.Suites[2].Skipped != 1 {
		t.Fatalf("combined junit: %+v", js.Suites)
	}
	mi, _ := os.ReadFile(filepath.Join(md.Path, IndexFile))
	for _, want := range []string{`href="` + filepath.ToSlash(rel) + `/report.html"`, "docker unreachable", "not run", "INVALID", "exit code 1"} {
		if !strings.Contains(string(mi), want) {
			t.Errorf("matrix index lacks %q", want)
		}
	}

	if strings.Contains(string(mi), "Runs by cell") {
		t.Error("a matrix without repeats groups its runs by cell")
	}

	if err := runner.WriteRunsIndex(root); err != nil {
		t.Fatal(err)
	}
	ix, _ := os.ReadFile(filepath.Join(root, runner.RunsIndexFile))
	html := string(ix)
	for _, want := range []string{`href="good/`, `href="bad/`, `href="nightly/` + filepath.Base(md.Path) + `/index.html"`, "1 invalid, 1 harness error, 1 not run", "matrix nightly", "<td>matrix</td>", `data-validity="invalid"`, `data-validity="valid"`} {
		if !strings.Contains(html, want) {
			t.Errorf("runs index lacks %q", want)
		}
	}
	if n := strings.Count(html, `<tr data-validity=`); n != 4 { // 3 runs and the matrix
		t.Errorf("%d rows, want 4", n)
	}
}

// fakeRun leaves a run directory as `chaos run` does, from a history in
// checkers/testdata and the default plan, without Docker: `chaos check`
// of the directory writes its results, junit.xml and report.html.
func fakeRun(t *testing.T, root, name, historyFile string) runner.RunDir {
	t.Helper()
	return fakeRunSeed(t, root, name, historyFile, 42)
}

// fakeRunSeed is fakeRun with the plan's seed.
func fakeRunSeed(t *testing.T, root, name, historyFile string, seed int64) runner.RunDir {
	t.Helper()
	rd, err := runner.NewRunDir(root, name, time.Now())
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
	pl := plan.Default()
	pl.Name, pl.Seed = name, seed
	text, err := pl.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rd.Plan(), text, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runner.Check(context.Background(), runner.CheckConfig{Path: rd.Path}); err != nil {
		t.Fatal(err)
	}
	return rd
}
