package runner

import (
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

var idPattern = regexp.MustCompile(`^[0-9a-f]{8}$`)

func TestNewRunDir(t *testing.T) {
	root := filepath.Join(t.TempDir(), "runs")
	now := time.Date(2026, 11, 22, 11, 34, 0, 5, time.FixedZone("CET", 3600))
	rd, err := NewRunDir(root, "etcd-default", now)
	if err != nil {
		t.Fatal(err)
	}
	wantPath := filepath.Join(root, "etcd-default", "20261122T103400Z")
	if rd.Path != wantPath || rd.Name != "etcd-default" || !rd.Started.Equal(now) {
		t.Errorf("got %+v, want path %s", rd, wantPath)
	}
	if !idPattern.MatchString(rd.ID) {
		t.Errorf("id %q is not 8 lowercase hex digits", rd.ID)
	}
	if st, err := os.Stat(rd.Logs()); err != nil || !st.IsDir() {
		t.Errorf("logs directory: %v", err)
	}
	for got, want := range map[string]string{
		rd.History(): "history.jsonl", rd.Results(): "results.json", rd.Plan(): "plan.yaml",
		rd.Report(): "report.html", rd.JUnit(): "junit.xml", rd.Logs(): "logs",
	} {
		if got != filepath.Join(wantPath, want) {
			t.Errorf("got %s, want %s in the run directory", got, want)
		}
	}
	assertLink(t, filepath.Join(root, "latest"), filepath.Join("etcd-default", "20261122T103400Z"), rd.Path)
	assertLink(t, filepath.Join(root, "etcd-default", "latest"), "20261122T103400Z", rd.Path)
}

func TestNewRunDirSameSecond(t *testing.T) {
	root := t.TempDir()
	now := time.Date(2026, 11, 22, 10, 34, 0, 0, time.UTC)
	a, err := NewRunDir(root, "x", now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewRunDir(root, "x", now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Path == b.Path || a.ID == b.ID {
		t.Errorf("two runs share a directory or an id: %+v %+v", a, b)
	}
	if want := filepath.Join(root, "x", "20261122T103400Z-2"); b.Path != want {
		t.Errorf("second run in %s, want %s", b.Path, want)
	}
	assertLink(t, filepath.Join(root, "latest"), filepath.Join("x", "20261122T103400Z-2"), b.Path)

	// Another name: runs/latest follows, runs/x/latest stays.
	c, err := NewRunDir(root, "y", now.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	assertLink(t, filepath.Join(root, "latest"), filepath.Join("y", "20261122T103401Z"), c.Path)
	assertLink(t, filepath.Join(root, "x", "latest"), "20261122T103400Z-2", b.Path)
}

func TestNewRunDirConcurrent(t *testing.T) {
	root := t.TempDir()
	now := time.Date(2026, 11, 22, 10, 34, 0, 0, time.UTC)
	const n = 8
	dirs := make([]RunDir, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { dirs[i], errs[i] = NewRunDir(root, "same", now) })
	}
	wg.Wait()
	paths, ids := map[string]bool{}, map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		paths[dirs[i].Path], ids[dirs[i].ID] = true, true
	}
	if len(paths) != n || len(ids) != n {
		t.Errorf("%d runs got %d directories and %d ids", n, len(paths), len(ids))
	}
	// The link points at one of them, and no temporary link is left.
	target, err := filepath.EvalSymlinks(filepath.Join(root, "latest"))
	if err != nil {
		t.Fatal(err)
	}
	if real := evalOrSelf(t, target); !pathsHave(paths, real, t) {
		t.Errorf("runs/latest → %s, not one of the runs", target)
	}
	for _, dir := range []string{root, filepath.Join(root, "same")} {
		left, _ := filepath.Glob(filepath.Join(dir, ".latest-*"))
		if len(left) > 0 {
			t.Errorf("temporary links left: %v", left)
		}
	}
}

func TestNewRunDirBadName(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"", "latest", "../up", "a/b", ".hidden"} {
		if _, err := NewRunDir(root, name, time.Now()); err == nil {
			t.Errorf("NewRunDir(%q) succeeded", name)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("bad names created %v", entries)
	}
}

func TestNewRunDirLatestIsADirectory(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "latest"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := NewRunDir(root, "x", time.Now()); err == nil {
		t.Error("NewRunDir replaced a directory named latest, or said nothing")
	}
}

func assertLink(t *testing.T, link, wantTarget, wantDir string) {
	t.Helper()
	got, err := os.Readlink(link)
	if err != nil {
		t.Fatal(err)
	}
	if got != wantTarget {
		t.Errorf("%s → %s, want %s", link, got, wantTarget)
	}
	real, err := filepath.EvalSymlinks(link)
	if err != nil {
		t.Fatal(err)
	}
	if real != evalOrSelf(t, wantDir) {
		t.Errorf("%s resolves to %s, want %s", link, real, wantDir)
	}
}

func evalOrSelf(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return p
	}
	return r
}

func pathsHave(paths map[string]bool, real string, t *testing.T) bool {
	for p := range paths {
		if evalOrSelf(t, p) == real {
			return true
		}
	}
	return false
}
