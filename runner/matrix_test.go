package runner

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/reports"
)

func TestMatrixExpands(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "reg.yaml"), []byte("name: reg\nworkload: register\n"), 0o644)
	path := filepath.Join(dir, "m.yaml")
	os.WriteFile(path, []byte(`name: m
base:
  duration: 20s
  lease_ttl: 2s
axes:
  target: [etcd, zookeeper]
  resource: [token, none]
  faults:
    parts: {nemesis: {faults: [{kind: partition, shape: halves, duration: 5s}]}}
    pauses: {recovery: 3s, nemesis: {faults: [{kind: pause, victim: leader, duration: 5s}]}}
  register.read_mode: [""]
exclude:
  - {target: zookeeper, resource: none}
plans: [reg.yaml]
`), 0o644)
	m, err := LoadMatrix(path)
	// The empty label is no run name: that is the error, and only it.
	if es := AllPlanErrors(err); len(es) != 1 || !strings.Contains(es[0].Error(), `m.yaml:11: field "axes.register.read_mode": label ""`) {
		t.Fatalf("errors: %v", err)
	}
	text, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(text), `  register.read_mode: [""]`+"\n", "", 1)), 0o644)
	if m, err = LoadMatrix(path); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range m.Entries {
		names = append(names, e.Plan.Name)
	}
	want := "etcd-token-parts etcd-token-pauses etcd-none-parts etcd-none-pauses zookeeper-token-parts zookeeper-token-pauses reg"
	if strings.Join(names, " ") != want {
		t.Fatalf("runs %v, want %s", names, want)
	}
	p := m.Entries[3].Plan // etcd-none-pauses
	if p.Target != "etcd" || p.Resource != "none" || p.Duration != 20*time.Second || p.Recovery != 3*time.Second ||
		p.LeaseTTL != 2*time.Second || len(p.Nemesis.Faults) != 1 || p.Nemesis.Faults[0].Kind != "pause" {
		t.Fatalf("etcd-none-pauses: %+v", p)
	}
	if m.Entries[0].Plan.Recovery != DefaultPlan().Recovery {
		t.Error("one combination's fields leaked into another")
	}
	if reg := m.Entries[6].Plan; reg.Workload != "register" || reg.Duration != DefaultPlan().Duration {
		t.Errorf("a plan file is taken as it is, over the default plan: %+v", reg)
	}
}

func TestMatrixErrorsNameFileLineField(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(path, []byte(`name: m
axes:
  target: [etcd, mongo]
  faults:
    p: {nemesis: {faults: [{kind: partition, shape: triangle, duration: 5s}]}}
    q: {nodez: 3}
exclude:
  - {target: etc}
plans: [missing.yaml]
`), 0o644)
	_, err := LoadMatrix(path)
	var got []string
	for _, e := range AllPlanErrors(err) {
		got = append(got, e.Error())
	}
	for _, want := range []string{
		`bad.yaml:3: field "target": unknown target "mongo"`,
		`bad.yaml:5: field "nemesis.faults[0].shape": unknown shape "triangle"`,
		`bad.yaml:6: field "nodez": unknown field`,
		`bad.yaml:8: field "exclude": axis "target" has no label "etc"`,
		`missing.yaml: read plan`,
	} {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, want)
		}
		if !found {
			t.Errorf("no error %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if ExitCode(err) != ExitBadInput {
		t.Errorf("exit %d, want 254", ExitCode(err))
	}
	for text, want := range map[string]string{
		"axes: {target: [etcd]}\n":              `field "name": a matrix needs a name`,
		"name: m\n":                             `field "axes": the matrix has no runs`,
		"name: m\naxes: {target: [etcd, etcd]}": `label "etcd" twice`,
		"name: m\naxes: {faults: {a: 3}}":       `field "axes.faults.a": want plan fields`,
		"name: m\nkeep_goin: true\n":            `field "keep_goin": unknown field`,
	} {
		_, err := ParseMatrix("x.yaml", []byte(text))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

func TestShippedMatrixLoads(t *testing.T) {
	m, err := LoadMatrix("../examples/nightly-matrix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 13 || m.Name != "nightly" {
		t.Fatalf("%s: %d runs", m.Name, len(m.Entries))
	}
}

func TestMatrixExitCode(t *testing.T) {
	run := func(v checkers.Validity) MatrixRun { return MatrixRun{Validity: v} }
	for _, tt := range []struct {
		runs []MatrixRun
		want int
	}{
		{[]MatrixRun{run(checkers.Valid), run(checkers.Valid)}, ExitValid},
		{[]MatrixRun{run(checkers.Valid), run(checkers.Unknown)}, ExitUnknown},
		{[]MatrixRun{run(checkers.Unknown), run(checkers.Invalid)}, ExitInvalid},
		{[]MatrixRun{run(checkers.Valid), {Error: "docker gone"}}, ExitHarness},
		{[]MatrixRun{{Error: "docker gone"}, run(checkers.Invalid)}, ExitInvalid},
		{[]MatrixRun{run(checkers.Valid), {Skipped: true}}, ExitUnknown},
	} {
		o := MatrixOutcome{Runs: tt.runs}
		o.finish(context.Background())
		if o.ExitCode != tt.want || ExitCode(o.Err()) != tt.want {
			t.Errorf("%+v: exit %d (error %v), want %d", tt.runs, o.ExitCode, o.Err(), tt.want)
		}
	}
}

// fakeRun writes a run directory as `chaos run` leaves it, from a history
// in checkers/testdata, without Docker.
func fakeRun(t *testing.T, root, name, historyFile string) RunDir {
	t.Helper()
	rd, err := NewRunDir(root, name, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("../checkers/testdata", historyFile))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(rd.History(), b, 0o644)
	ops, _, err := history.ReadFile(rd.History())
	if err != nil {
		t.Fatal(err)
	}
	plan := DefaultPlan()
	plan.Name, plan.Seed = name, 42
	if err := writePlan(rd, plan); err != nil {
		t.Fatal(err)
	}
	r := checkers.Run(context.Background(), ops, checkers.Election(plan.CheckerOptions())...)
	if err := writeArtifacts(rd, plan, "chaos run --config "+rd.Plan(), time.Now(), ops, r, false, nil); err != nil {
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

func TestRunsIndexAndMatrixFiles(t *testing.T) {
	root := t.TempDir()
	fakeRun(t, root, "good", "valid.jsonl")
	fakeRun(t, root, "bad", "invalid-stale-write.jsonl")
	// A matrix with one run done, one failed by the harness, one not run.
	md, err := newStampDir(root, "nightly", time.Now(), false)
	if err != nil {
		t.Fatal(err)
	}
	inner := fakeRun(t, md.Path, "etcd-partitions", "invalid-stale-write.jsonl")
	rf, err := reports.ReadResults(inner.Results())
	if err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(md.Path, inner.Path)
	o := MatrixOutcome{Dir: md.Path, Name: "nightly", Started: time.Now().UTC().Format(time.RFC3339), Runs: []MatrixRun{
		{Name: "etcd-partitions", Dir: rel, Validity: checkers.Invalid, results: &rf},
		{Name: "zookeeper-partitions", Error: "cluster up: docker unreachable"},
		{Name: "consul-partitions", Skipped: true},
	}}
	o.finish(context.Background())
	if err := writeMatrix(o); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(md.Path, JUnitFile))
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
	mi, _ := os.ReadFile(filepath.Join(md.Path, MatrixIndexFile))
	for _, want := range []string{`href="` + filepath.ToSlash(rel) + `/report.html"`, "docker unreachable", "not run", "INVALID", "exit code 1"} {
		if !strings.Contains(string(mi), want) {
			t.Errorf("matrix index lacks %q", want)
		}
	}

	if err := WriteRunsIndex(root); err != nil {
		t.Fatal(err)
	}
	ix, _ := os.ReadFile(filepath.Join(root, RunsIndexFile))
	html := string(ix)
	for _, want := range []string{`href="good/`, `href="bad/`, `href="nightly/` + filepath.Base(md.Path) + `/index.html"`, "1 invalid, 1 harness error, 1 not run", "matrix nightly", `data-validity="invalid"`, `data-validity="valid"`} {
		if !strings.Contains(html, want) {
			t.Errorf("runs index lacks %q", want)
		}
	}
	if n := strings.Count(html, `<tr data-validity=`); n != 4 { // 3 runs and the matrix
		t.Errorf("%d rows, want 4", n)
	}
}

// The example CI workflow runs the shipped matrix and publishes the files
// that matrix writes.
func TestCIWorkflowRunsShippedMatrix(t *testing.T) {
	b, err := os.ReadFile("../docs/ci-github-actions.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	var matrixFile, junit string
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			if f := strings.Fields(s.Run); len(f) > 0 && strings.Contains(s.Run, "chaos matrix") {
				matrixFile = f[len(f)-1]
			}
			if p := s.With["report_paths"]; p != "" {
				junit = p
			}
		}
	}
	m, err := LoadMatrix(filepath.Join("..", matrixFile))
	if err != nil {
		t.Fatalf("the workflow's matrix %q: %v", matrixFile, err)
	}
	if want := "runs/" + m.Name + "/latest/" + JUnitFile; junit != want {
		t.Errorf("the workflow publishes %q; the matrix writes %q", junit, want)
	}
}
