package sweep

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

// The runs index lists a sweep once, as a sweep: its link goes to
// sweep.html and its recommendations say what it found.
func TestRunsIndexListsTheSweep(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "t", "20261203T090000Z")
	layout(t, dir, loadTestSweep(t), plan.Shard{I: 2, N: 2}, mixed)
	if _, err := Rebuild(dir); err != nil {
		t.Fatal(err)
	}
	if err := runner.WriteRunsIndex(root); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, runner.RunsIndexFile))
	if err != nil {
		t.Fatal(err)
	}
	ix := string(b)
	for _, want := range []string{`<a href="t/20261203T090000Z/sweep.html">t</a></td><td>sweep of lease_ttl shard 2/2</td>`,
		"pause-2x: no lease_ttl qualifies under pause-2x"} {
		if !strings.Contains(ix, want) {
			t.Errorf("the runs index lacks %q", want)
		}
	}
	if strings.Contains(ix, `t/20261203T090000Z/index.html`) {
		t.Error("the runs index lists the sweep as a matrix too")
	}
}
