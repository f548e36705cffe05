//go:build docker

package matrix

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/internal/chaosbin"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// A matrix of 2 cells × --count 2 on etcd run for real as shards 1/2 and
// 2/2, side by side as two CI runners would, then `chaos merge`d: every
// run of the whole list exactly once, with the seed the unsharded
// expansion gives it, and the index, junit.xml and matrix.json combined;
// nothing of any run left in Docker.
func TestShardsRunAndMerge(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ci.yaml")
	os.WriteFile(file, []byte(`name: ci
base:
  target: etcd
  duration: 6s
  recovery: 2s
  lease_ttl: 2s
  nemesis:
    interval: 1s
    faults: [{kind: pause, victim: leader, duration: 2s}]
axes:
  resource: [none, token]
`), 0o644)
	const seed = 20261203
	m, err := plan.LoadMatrix(file)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := m.Expand(2, seed, plan.Shard{})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	codes, logs := make([]int, 2), make([]string, 2)
	for i := range 2 {
		wg.Go(func() {
			cmd := exec.CommandContext(ctx, chaosBin, "matrix", "--runs", filepath.Join(dir, "runner"+string(rune('1'+i))),
				"--keep-going", "--count", "2", "--seed", "20261203", "--shard", string(rune('1'+i))+"/2", file)
			out, _ := cmd.CombinedOutput()
			codes[i], logs[i] = cmd.ProcessState.ExitCode(), string(out)
		})
	}
	wg.Wait()
	for i, log := range logs {
		t.Logf("shard %d/2 exited %d:\n%s", i+1, codes[i], chaosbin.LastLines(log, 6))
		chaosbin.CheckLeftNothing(t, log, 2, runner.Leftovers)
		sm := readMatrixJSON(t, filepath.Join(dir, "runner"+string(rune('1'+i)), "ci", plan.LatestLink))
		if sm.ExitCode != codes[i] || sm.Shard != string(rune('1'+i))+"/2" || len(sm.Runs) != 2 {
			t.Errorf("shard %d/2: exit %d, matrix.json %+v", i+1, codes[i], sm)
		}
	}

	out := filepath.Join(dir, "merged")
	cmd := exec.CommandContext(ctx, chaosBin, "merge", "--out", out,
		filepath.Join(dir, "runner2", "ci", plan.LatestLink), filepath.Join(dir, "runner1", "ci", plan.LatestLink))
	b, _ := cmd.CombinedOutput()
	code := cmd.ProcessState.ExitCode()
	t.Logf("chaos merge exited %d:\n%s", code, b)

	mo := readMatrixJSON(t, out)
	if mo.ExitCode != code || code == runner.ExitBadInput || code == runner.ExitHarness || strings.Join(mo.Shards, " ") != "1/2 2/2" || len(mo.MissingShards) != 0 {
		t.Errorf("merged: exit %d, matrix.json exit %d, shards %v, missing %v", code, mo.ExitCode, mo.Shards, mo.MissingShards)
	}
	if len(mo.Runs) != len(whole.Entries) {
		t.Fatalf("merged %d runs, want %d", len(mo.Runs), len(whole.Entries))
	}
	worst := 0
	for j, e := range whole.Entries {
		r := mo.Runs[j]
		if r.Name != e.Plan.Name || r.Cell != e.Cell || r.Repeat != e.Repeat || r.Seed != e.Plan.Seed || r.Skipped || r.Error != "" || r.Dir == "" {
			t.Errorf("run %d: %+v, want %s (cell %s, repeat %d, seed %d) run once", j, r, e.Plan.Name, e.Cell, e.Repeat, e.Plan.Seed)
			continue
		}
		rf, err := reports.ReadResults(filepath.Join(out, r.Dir, runner.ResultsFile))
		if err != nil || rf.Plan != e.Plan.Name || rf.Seed != e.Plan.Seed || rf.Validity != r.Validity {
			t.Errorf("run %s's results.json in the merge: %v, plan %q, seed %d, validity %s", r.Name, err, rf.Plan, rf.Seed, rf.Validity)
		}
		if _, err := os.Stat(filepath.Join(out, r.Dir, runner.ReportFile)); err != nil {
			t.Errorf("run %s: no report in the merge: %v", r.Name, err)
		}
		switch c := r.Validity.ExitCode(); {
		case c == runner.ExitInvalid:
			worst = c
		case worst != runner.ExitInvalid:
			worst = max(worst, c)
		}
	}
	if mo.ExitCode != worst {
		t.Errorf("merged exit code %d, want %d from the runs", mo.ExitCode, worst)
	}

	var js struct {
		Suites []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite"`
	}
	jb, _ := os.ReadFile(filepath.Join(out, runner.JUnitFile))
	if err := xml.Unmarshal(jb, &js); err != nil || len(js.Suites) != 4 {
		t.Fatalf("merged junit.xml: %v, %d suites", err, len(js.Suites))
	}
	for j, s := range js.Suites {
		if s.Name != whole.Entries[j].Plan.Name {
			t.Errorf("junit suite %d is %q, want %q", j, s.Name, whole.Entries[j].Plan.Name)
		}
	}
	index, _ := os.ReadFile(filepath.Join(out, IndexFile))
	for _, c := range []string{"none", "token"} {
		if !regexp.MustCompile(c + ` — <span class="rate">invalid [0-2]/2`).Match(index) {
			t.Errorf("the merged index has no rate for cell %s", c)
		}
	}
	for _, r := range mo.Runs {
		if !strings.Contains(string(index), `href="`+filepath.ToSlash(r.Dir)+`/report.html"`) {
			t.Errorf("the merged index does not link %s's report", r.Name)
		}
	}
}
