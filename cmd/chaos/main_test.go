package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// chaos runs the command line in-process and returns its exit code and
// output.
func chaos(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "checkers", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "history.jsonl")
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckExitCodes(t *testing.T) {
	tests := []struct {
		fixture string
		code    int
		verdict string
	}{
		{"valid.jsonl", 0, "verdict: VALID"},
		{"invalid-stale-write.jsonl", 1, "verdict: INVALID"},
		{"unknown-no-faults.jsonl", 2, "verdict: UNKNOWN"},
		{"invalid-stale-read.jsonl", 1, "verdict: INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			p := fixture(t, tt.fixture)
			code, out, errOut := chaos(t, "check", p)
			if code != tt.code || !strings.Contains(out, tt.verdict) {
				t.Fatalf("exit %d (want %d)\n%s%s", code, tt.code, out, errOut)
			}
			var rf map[string]any
			b, err := os.ReadFile(filepath.Join(filepath.Dir(p), "results.json"))
			if err != nil || json.Unmarshal(b, &rf) != nil || rf["exit_code"] != float64(tt.code) {
				t.Fatalf("results.json beside the history: %v %s", err, b)
			}
		})
	}
}

// check writes a report and a junit.xml beside results.json, and `chaos
// report` rewrites them from that directory, which has no plan.yaml.
func TestCheckWritesReport(t *testing.T) {
	p := fixture(t, "invalid-stale-write.jsonl")
	dir := filepath.Dir(p)
	if code, out, errOut := chaos(t, "check", p); code != 1 || !strings.Contains(out, "report:  "+filepath.Join(dir, "report.html")) {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	report, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil || !strings.Contains(string(report), "stale-write-accepted") || !strings.Contains(string(report), "Check again") ||
		!strings.Contains(string(report), `href="history.jsonl"`) || strings.Contains(string(report), `href="plan.yaml"`) {
		t.Fatalf("report.html: %v", err)
	}
	junit, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil || !strings.Contains(string(junit), "<failure") {
		t.Fatalf("junit.xml: %v\n%s", err, junit)
	}
	os.Remove(filepath.Join(dir, "report.html"))
	if code, out, errOut := chaos(t, "report", dir); code != 0 || !strings.Contains(out, "verdict: invalid") {
		t.Fatalf("report: exit %d\n%s%s", code, out, errOut)
	}
	again, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil || string(again) != string(report) {
		t.Fatalf("chaos report wrote another report than chaos check: %v", err)
	}
}

func TestCheckInvalidSaysWhy(t *testing.T) {
	code, out, _ := chaos(t, "check", fixture(t, "invalid-stale-write.jsonl"))
	if code != 1 || !strings.Contains(out, "the resource accepted it") || !strings.Contains(out, "split brain") {
		t.Fatalf("exit %d, summary does not explain:\n%s", code, out)
	}
}

// A register history with a stale read: the key and the read are named,
// and porcupine's visualization is saved beside results.json (created
// with its directory) and listed in it.
func TestCheckStaleRead(t *testing.T) {
	out := filepath.Join(t.TempDir(), "new", "dir", "results.json")
	code, text, errOut := chaos(t, "check", "--out", out, fixture(t, "invalid-stale-read.jsonl"))
	if code != 1 || !strings.Contains(text, "key k0: n3/r1: read 2 at 2.12 s cannot be linearized") {
		t.Fatalf("exit %d\n%s%s", code, text, errOut)
	}
	if st, err := os.Stat(filepath.Join(filepath.Dir(out), "linearizability.html")); err != nil || st.Size() < 1000 {
		t.Fatalf("visualization: %v", err)
	}
	var rf struct{ Files map[string]string }
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &rf); err != nil || rf.Files["linearizable"] != "linearizability.html" {
		t.Fatalf("results.json files %v: %v", rf.Files, err)
	}
}

func TestCheckJSONAndAllowNoFaults(t *testing.T) {
	p := fixture(t, "unknown-no-faults.jsonl")
	code, out, _ := chaos(t, "check", "--json", "--allow-no-faults", "--out", filepath.Join(t.TempDir(), "r.json"), p)
	var r struct{ Validity string }
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 || r.Validity != "valid" {
		t.Fatalf("exit %d validity %q err %v\n%s", code, r.Validity, err, out)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"index":0,"time":1,"process":"n1","type":"invoke","f":"write","value":{"token":1}}`+"\n"+`{"index":5,"time":2,"process":"n1","type":"ok","f":"write"}`+"\n"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"check", bad}, "bad.jsonl:2: field \"index\""},
		{[]string{"check", filepath.Join(dir, "missing")}, "no such file"},
		{[]string{"check"}, "accepts 1 arg"},
		{[]string{"check", "--no-such-flag", bad}, "unknown flag"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"run", "--nodes", "0"}, "nodes"},
		{[]string{"run", "--config", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"down", "--run", "-x"}, `--run: run id "-x"`},
	}
	for _, tt := range tests {
		code, _, errOut := chaos(t, tt.args...)
		if code != 254 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 254 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	if code, out, _ := chaos(t, "version"); code != 0 || !strings.HasPrefix(out, "chaos ") {
		t.Fatalf("version: %d %q", code, out)
	}
	code, out, _ := chaos(t, "--help")
	for _, want := range []string{"run", "check", "down", "images", "Exit codes"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("help lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "netctl") {
		t.Fatal("the sidecar's netctl command is internal and must stay hidden")
	}
}
