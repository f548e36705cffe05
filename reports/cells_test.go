package reports

import (
	"testing"

	"github.com/chaos-election/chaos/checkers"
)

func TestCellRates(t *testing.T) {
	run := func(cell string, v checkers.Validity) MatrixRun {
		return MatrixRun{Name: cell + "-r", Cell: cell, Validity: v}
	}
	m := Matrix{Runs: []MatrixRun{
		run("a", checkers.Invalid), run("b", checkers.Valid), run("a", checkers.Valid), run("a", checkers.Invalid),
		{Name: "a-r4", Cell: "a", Error: "docker gone"}, {Name: "a-r5", Cell: "a", Skipped: true},
		run("b", checkers.Unknown), {Name: "solo", Validity: checkers.Valid},
	}}
	cells := m.ByCell()
	if len(cells) != 3 {
		t.Fatalf("%d cells, want a, b, solo", len(cells))
	}
	for i, want := range []struct {
		name    string
		runs    []int
		rate    string
		verdict checkers.Validity
	}{
		{"a", []int{0, 2, 3, 4, 5}, "invalid 2/5 · 1 valid · 1 harness error · 1 not run", checkers.Invalid},
		{"b", []int{1, 6}, "invalid 0/2 · 1 valid · 1 unknown", checkers.Unknown},
		{"solo", []int{7}, "invalid 0/1 · 1 valid", checkers.Valid},
	} {
		c := cells[i]
		if c.Name != want.name || len(c.Runs) != len(want.runs) || c.Rate() != want.rate || c.Verdict() != want.verdict {
			t.Errorf("cell %d: %s %v %q %s, want %s %v %q %s", i, c.Name, c.Runs, c.Rate(), c.Verdict(), want.name, want.runs, want.rate, want.verdict)
		}
		for k, r := range want.runs {
			if k < len(c.Runs) && c.Runs[k] != r {
				t.Errorf("cell %s: runs %v, want %v", c.Name, c.Runs, want.runs)
			}
		}
	}
	if got := (Matrix{Shard: "2/4"}).Kind(); got != "matrix shard 2/4" {
		t.Errorf("kind %q", got)
	}
	if got := (Matrix{Shards: []string{"1/4", "2/4"}, MissingShards: []string{"3/4", "4/4"}}).Kind(); got != "merged matrix (2 of 4 shards)" {
		t.Errorf("kind %q", got)
	}
}
