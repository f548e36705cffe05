package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// twoByTwo is a matrix of 2 cells × --count 2 with seed 7: etcd-r1,
// etcd-r2, zookeeper-r1, zookeeper-r2. Shard 1/2 holds the r1s, 2/2 the
// r2s.
func twoByTwo(t *testing.T) plan.Matrix {
	t.Helper()
	m, err := plan.ParseMatrix("m.yaml", []byte("name: m\nbase: {duration: 20s}\naxes:\n  target: [etcd, zookeeper]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m, err = m.Expand(2, 7, plan.Shard{}); err != nil {
		t.Fatal(err)
	}
	return m
}

// histories are the runs' fake histories, by name: one repeat of etcd
// finds a stale write.
var histories = map[string]string{
	"etcd-r1": "valid.jsonl", "etcd-r2": "invalid-stale-write.jsonl",
	"zookeeper-r1": "valid.jsonl", "zookeeper-r2": "valid.jsonl",
}

// fakeRuns makes each run's directory once, under src, with the run's
// seed; the matrices copy them, so every copy has the same files.
func fakeRuns(t *testing.T, m plan.Matrix) (src string, dirs map[string]string) {
	t.Helper()
	src, dirs = t.TempDir(), map[string]string{}
	for _, e := range m.Entries {
		rd := fakeRunSeed(t, src, e.Plan.Name, histories[e.Plan.Name], e.Plan.Seed)
		dirs[e.Plan.Name], _ = filepath.Rel(src, rd.Path)
	}
	return src, dirs
}

// fakeMatrix lays out shard s of m in dir as matrix.Run would, each run
// recorded from its fake directory, and writes the matrix's files.
func fakeMatrix(t *testing.T, dir string, m plan.Matrix, s plan.Shard, src string, dirs map[string]string, started time.Time) Outcome {
	t.Helper()
	o, mine := newOutcome(dir, m, s, started)
	for i, e := range mine.Entries {
		rel := dirs[e.Plan.Name]
		if err := copyRun(filepath.Join(src, rel), filepath.Join(dir, rel)); err != nil {
			t.Fatal(err)
		}
		rf, err := reports.ReadResults(filepath.Join(dir, rel, runner.ResultsFile))
		if err != nil {
			t.Fatal(err)
		}
		o.record(i, runner.RunOutcome{Dir: filepath.Join(dir, rel), Results: rf.Results()}, nil)
	}
	o.finish(context.Background())
	if err := o.write(); err != nil {
		t.Fatal(err)
	}
	return o
}

func readMatrixJSON(t *testing.T, dir string) reports.Matrix {
	t.Helper()
	mo, err := reports.ReadMatrix(filepath.Join(dir, reports.MatrixJSON))
	if err != nil {
		t.Fatal(err)
	}
	return mo
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Merging the shards gives the files of the unsharded matrix over the same
// runs: the same matrix.json (but for the shards it names), junit.xml and
// index.html (but for its note), and a copy of every run directory.
func TestMergeOfShardsIsTheWholeMatrix(t *testing.T) {
	m := twoByTwo(t)
	src, dirs := fakeRuns(t, m)
	started := time.Date(2026, 12, 3, 2, 17, 0, 0, time.UTC)
	tmp := t.TempDir()
	whole := fakeMatrix(t, filepath.Join(tmp, "whole"), m, plan.Shard{}, src, dirs, started)
	s1 := fakeMatrix(t, filepath.Join(tmp, "s1"), m, plan.Shard{I: 1, N: 2}, src, dirs, started)
	fakeMatrix(t, filepath.Join(tmp, "s2"), m, plan.Shard{I: 2, N: 2}, src, dirs, started.Add(time.Minute))
	if len(s1.Runs) != 2 || s1.Runs[0].Name != "etcd-r1" || s1.Runs[1].Name != "zookeeper-r1" || s1.Shard != "1/2" || s1.Total != 4 {
		t.Fatalf("shard 1/2: %+v", s1.Matrix)
	}

	out := filepath.Join(tmp, "merged")
	// Shard 2 first: the merge puts the runs in the matrix's order.
	o, err := Merge(context.Background(), []string{filepath.Join(tmp, "s2"), filepath.Join(tmp, "s1")}, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.ExitCode != runner.ExitInvalid || runner.ExitCode(o.Err()) != runner.ExitInvalid || o.Validity != "invalid" {
		t.Errorf("merged: exit %d, validity %s", o.ExitCode, o.Validity)
	}

	got, want := readMatrixJSON(t, out), readMatrixJSON(t, whole.Dir)
	if !reflect.DeepEqual(got.Shards, []string{"1/2", "2/2"}) || got.MissingShards != nil || got.Shard != "" {
		t.Errorf("merged shards %v, missing %v, shard %q", got.Shards, got.MissingShards, got.Shard)
	}
	got.Shards = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged matrix.json\n%+v\nwant the whole matrix's\n%+v", got, want)
	}
	// The whole matrix's own files say what the runs were.
	wantRuns := []reports.MatrixRun{
		{Name: "etcd-r1", Cell: "etcd", Repeat: 1, Validity: checkers.Valid},
		{Name: "etcd-r2", Cell: "etcd", Repeat: 2, Validity: checkers.Invalid},
		{Name: "zookeeper-r1", Cell: "zookeeper", Repeat: 1, Validity: checkers.Valid},
		{Name: "zookeeper-r2", Cell: "zookeeper", Repeat: 2, Validity: checkers.Valid},
	}
	for i, w := range wantRuns {
		w.Seed, w.Dir = plan.RunSeed(7, w.Name), dirs[w.Name]
		if want.Runs[i] != w {
			t.Errorf("run %d: %+v, want %+v", i, want.Runs[i], w)
		}
	}
	if want.Digest != m.Digest || want.Seed != 7 || want.Count != 2 || want.Total != 4 || strings.Join(want.Cells, " ") != "etcd zookeeper" {
		t.Errorf("the matrix's list: %+v", want)
	}

	if g, w := read(t, filepath.Join(out, runner.JUnitFile)), read(t, filepath.Join(whole.Dir, runner.JUnitFile)); g != w || strings.Count(g, "<testsuite ") != 4 {
		t.Errorf("merged junit.xml differs from the whole matrix's (%d suites):\n%s\nwant\n%s", strings.Count(g, "<testsuite "), g, w)
	}
	gi, wi := read(t, filepath.Join(out, IndexFile)), read(t, filepath.Join(whole.Dir, IndexFile))
	if strings.Replace(gi, " · merged from shards 1/2, 2/2", "", 1) != wi {
		t.Errorf("merged index.html differs from the whole matrix's but for its note:\n%s\nwant\n%s", gi, wi)
	}
	for _, want := range []string{"etcd — <span class=\"rate\">invalid 1/2 · 1 valid</span>", "zookeeper — <span class=\"rate\">invalid 0/2 · 2 valid</span>",
		`href="` + filepath.ToSlash(dirs["etcd-r2"]) + `/report.html"`, "2 repeats of 2 cells", "seed 7"} {
		if !strings.Contains(gi, want) {
			t.Errorf("merged index lacks %q", want)
		}
	}
	for name, rel := range dirs {
		for _, f := range []string{runner.ResultsFile, runner.ReportFile, runner.HistoryFile, plan.FileName} {
			if a, b := read(t, filepath.Join(out, rel, f)), read(t, filepath.Join(src, rel, f)); a != b {
				t.Errorf("%s: %s is not the shard's copy", name, f)
			}
		}
		if fi, err := os.Stat(filepath.Join(out, name, plan.LatestLink, runner.ResultsFile)); err != nil || fi.Size() == 0 {
			t.Errorf("%s/latest: %v", name, err)
		}
	}
}

// Ungiven shards are named; their runs are merged as not run, and the
// verdict is at best unknown, as for a matrix cut short.
func TestMergeMissingShard(t *testing.T) {
	m := twoByTwo(t)
	src, dirs := fakeRuns(t, m)
	tmp := t.TempDir()
	fakeMatrix(t, filepath.Join(tmp, "s1"), m, plan.Shard{I: 1, N: 2}, src, dirs, time.Now())
	out := filepath.Join(tmp, "merged")
	o, err := Merge(context.Background(), []string{filepath.Join(tmp, "s1")}, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.ExitCode != runner.ExitUnknown || o.Validity != "unknown" || !reflect.DeepEqual(o.MissingShards, []string{"2/2"}) {
		t.Errorf("exit %d, validity %s, missing %v; want 2, unknown, [2/2]", o.ExitCode, o.Validity, o.MissingShards)
	}
	var names []string
	for _, r := range o.Runs {
		if r.Skipped {
			names = append(names, r.Name)
		}
	}
	if strings.Join(names, " ") != "etcd-r2 zookeeper-r2" || o.Runs[1].Cell != "etcd" || o.Runs[1].Repeat != 2 || o.Runs[3].Cell != "zookeeper" {
		t.Errorf("not run: %v, runs %+v", names, o.Runs)
	}
	var buf bytes.Buffer
	Print(&buf, o)
	for _, want := range []string{"etcd-r2                                  not run", "missing shards: 2/2", "merged matrix (1 of 2 shards) m: unknown (exit 2)"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("printed\n%s\nlacks %q", buf.String(), want)
		}
	}
	var js struct {
		Suites []struct {
			Name    string `xml:"name,attr"`
			Skipped int    `xml:"skipped,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(read(t, filepath.Join(out, runner.JUnitFile))), &js); err != nil || len(js.Suites) != 4 || js.Suites[1].Skipped != 1 || js.Suites[3].Skipped != 1 || js.Suites[0].Skipped != 0 {
		t.Errorf("junit: %v %+v", err, js.Suites)
	}
	if index := read(t, filepath.Join(out, IndexFile)); !strings.Contains(index, "invalid 0/2 · 1 valid · 1 not run") || !strings.Contains(index, "missing shards 2/2") {
		t.Errorf("index lacks the missing shard")
	}
}

// Without --out, the merge is a new directory runs/NAME/STAMP/, and the
// runs index lists it as a merged matrix.
func TestMergeDefaultDirAndRunsIndex(t *testing.T) {
	m := twoByTwo(t)
	src, dirs := fakeRuns(t, m)
	tmp := t.TempDir()
	for i := 1; i <= 2; i++ {
		fakeMatrix(t, filepath.Join(tmp, "shards", string(rune('0'+i))), m, plan.Shard{I: i, N: 2}, src, dirs, time.Now())
	}
	t.Chdir(tmp)
	o, err := Merge(context.Background(), []string{"shards/1", "shards/2"}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(o.Dir) != filepath.Join(DefaultRoot, "m") {
		t.Fatalf("merged into %s, want runs/m/STAMP", o.Dir)
	}
	if latest := readMatrixJSON(t, filepath.Join(DefaultRoot, "m", plan.LatestLink)); len(latest.Runs) != 4 {
		t.Errorf("runs/m/latest: %+v", latest)
	}
	ix := read(t, filepath.Join(DefaultRoot, runner.RunsIndexFile))
	href := `href="m/` + filepath.Base(o.Dir) + `/index.html"`
	for _, want := range []string{href, "merged matrix (2 of 2 shards)", "4 runs: 3 valid, 1 invalid", `href="m/` + filepath.Base(o.Dir) + "/" + filepath.ToSlash(dirs["etcd-r2"]) + `/report.html"`} {
		if !strings.Contains(ix, want) {
			t.Errorf("runs index lacks %q", want)
		}
	}
	if n := strings.Count(ix, `<tr data-validity=`); n != 5 { // 4 runs and the merge
		t.Errorf("runs index: %d rows, want 5", n)
	}
}

// Shards that are not parts of one matrix run once are refused before
// anything is written: a plan error naming the directory, the field and
// the other directory.
func TestMergeRefuses(t *testing.T) {
	m := twoByTwo(t)
	src, dirs := fakeRuns(t, m)
	base := t.TempDir()
	s1 := filepath.Join(base, "s1")
	fakeMatrix(t, s1, m, plan.Shard{I: 1, N: 2}, src, dirs, time.Now())
	fakeMatrix(t, filepath.Join(base, "s2"), m, plan.Shard{I: 2, N: 2}, src, dirs, time.Now())
	fakeMatrix(t, filepath.Join(base, "whole"), m, plan.Shard{}, src, dirs, time.Now())
	s1File := filepath.Join(s1, reports.MatrixJSON)
	// edit gives a copy of shard 2 whose matrix.json is changed by f.
	edit := func(t *testing.T, f func(*reports.Matrix)) string {
		dir := filepath.Join(t.TempDir(), "s2")
		if err := os.CopyFS(dir, os.DirFS(filepath.Join(base, "s2"))); err != nil {
			t.Fatal(err)
		}
		mo := readMatrixJSON(t, dir)
		f(&mo)
		b, _ := json.Marshal(mo)
		os.WriteFile(filepath.Join(dir, reports.MatrixJSON), b, 0o644)
		return dir
	}
	for _, tc := range []struct {
		name string
		dirs func(t *testing.T) []string
		says []string // in the message, beside the file
	}{
		{"digest", func(t *testing.T) []string {
			return []string{s1, edit(t, func(m *reports.Matrix) { m.Digest = "ab" + m.Digest[2:] })}
		}, []string{`field "digest": ab`, "but " + s1File + " has " + m.Digest, "different matrix files"}},
		{"seed", func(t *testing.T) []string { return []string{s1, edit(t, func(m *reports.Matrix) { m.Seed = 8 })} },
			[]string{`field "seed": 8, but ` + s1File + " has 7: every shard must be run with the same --seed"}},
		{"count", func(t *testing.T) []string { return []string{s1, edit(t, func(m *reports.Matrix) { m.Count = 3 })} },
			[]string{`field "count": 3, but ` + s1File + " has 2"}},
		{"total", func(t *testing.T) []string { return []string{s1, edit(t, func(m *reports.Matrix) { m.Total = 6 })} },
			[]string{`field "total": 6, but ` + s1File + " has 4"}},
		{"name", func(t *testing.T) []string {
			return []string{s1, edit(t, func(m *reports.Matrix) { m.Name = "other" })}
		},
			[]string{`field "name": other, but ` + s1File + " has m"}},
		{"cells", func(t *testing.T) []string {
			return []string{s1, edit(t, func(m *reports.Matrix) { m.Cells = []string{"etcd", "consul"} })}
		}, []string{`field "cells": cell 2 "consul", but ` + s1File + ` has cell 2 "zookeeper"`}},
		{"shards of another N", func(t *testing.T) []string { return []string{s1, filepath.Join(base, "whole")} },
			[]string{filepath.Join(base, "whole", reports.MatrixJSON) + `: field "shard": none (the whole matrix), but ` + s1File + " has 1/2"}},
		{"the same shard twice", func(t *testing.T) []string {
			return []string{s1, edit(t, func(m *reports.Matrix) { m.Shard = "1/2" })}
		}, []string{`field "shard": shard 1/2 again: ` + s1File + " is that shard too"}},
		{"overlapping runs", func(t *testing.T) []string {
			s1m := readMatrixJSON(t, s1)
			return []string{s1, edit(t, func(m *reports.Matrix) { m.Runs = append(m.Runs, s1m.Runs[0]) })}
		}, []string{`field "runs[2]": run "etcd-r1" is in ` + s1File + " too: the shards overlap"}},
		{"a run of another shard", func(t *testing.T) []string {
			s1m := readMatrixJSON(t, s1)
			return []string{edit(t, func(m *reports.Matrix) { m.Runs = append(m.Runs, s1m.Runs[1]) })}
		}, []string{`field "runs[2]": run "zookeeper-r1" is shard 1/2's, not shard 2/2's`}},
		{"a run directory missing", func(t *testing.T) []string {
			dir := edit(t, func(*reports.Matrix) {})
			os.RemoveAll(filepath.Join(dir, dirs["etcd-r2"]))
			return []string{s1, dir}
		}, []string{`field "runs[0].dir": run "etcd-r2"'s directory`, "is not there"}},
		{"not a matrix directory", func(t *testing.T) []string { return []string{s1, src} },
			[]string{src + ": not a matrix directory: it has no matrix.json"}},
		{"no directory", func(t *testing.T) []string { return nil }, []string{"give the directories of the shards to merge"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			given := tc.dirs(t)
			out := filepath.Join(t.TempDir(), "merged")
			_, err := Merge(context.Background(), given, out, nil)
			if runner.ExitCode(err) != runner.ExitBadInput {
				t.Fatalf("%v: exit %d, want 254", err, runner.ExitCode(err))
			}
			for _, want := range tc.says {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%v\nlacks %q", err, want)
				}
			}
			if len(given) > 1 && !strings.Contains(err.Error(), given[len(given)-1]) && !strings.Contains(err.Error(), given[0]) {
				t.Errorf("%v names neither directory", err)
			}
			if _, serr := os.Stat(out); serr == nil {
				t.Error("a refused merge wrote its directory")
			}
		})
	}
	// A given --out that holds something is refused too.
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "x"), nil, 0o644)
	if _, err := Merge(context.Background(), []string{s1}, full, nil); runner.ExitCode(err) != runner.ExitBadInput || !strings.Contains(err.Error(), "flag --out: "+full+" is not empty") {
		t.Errorf("a full --out: %v", err)
	}
}

// Ctrl-C stops the copying: the runs not copied are not run, and the
// merge exits 130 saying what its directory holds.
func TestMergeInterrupted(t *testing.T) {
	m := twoByTwo(t)
	src, dirs := fakeRuns(t, m)
	tmp := t.TempDir()
	fakeMatrix(t, filepath.Join(tmp, "s1"), m, plan.Shard{I: 1, N: 2}, src, dirs, time.Now())
	fakeMatrix(t, filepath.Join(tmp, "s2"), m, plan.Shard{I: 2, N: 2}, src, dirs, time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(tmp, "merged")
	o, err := Merge(ctx, []string{filepath.Join(tmp, "s1"), filepath.Join(tmp, "s2")}, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = o.Err()
	if o.ExitCode != runner.ExitInterrupted || runner.ExitCode(err) != runner.ExitInterrupted || !o.Interrupted ||
		err.Error() != "the merge was interrupted after 0 of 4 runs; the merged directory has those, the rest as not run: merge again into a new directory" {
		t.Errorf("exit %d, interrupted %v: %v", o.ExitCode, o.Interrupted, err)
	}
	if mo := readMatrixJSON(t, out); !mo.Interrupted || len(mo.Runs) != 4 || !mo.Runs[0].Skipped || mo.Runs[0].Dir != "" || mo.Runs[0].Seed != plan.RunSeed(7, "etcd-r1") {
		t.Errorf("matrix.json: %+v", mo)
	}
	if _, err := os.Stat(filepath.Join(out, dirs["etcd-r1"])); err == nil {
		t.Error("an interrupted merge copied a run")
	}
}
