package sweep

import (
	"testing"

	"github.com/chaos-election/chaos/reports"
)

// cell is a cell of value under fault whose repeats are all done.
func cell(value, fault string, repeats, unsafe, falseFOs int, p95 *float64, under string) reports.SweepCell {
	c := reports.SweepCell{Name: value + "-" + fault, Value: value, Fault: fault, Under: under, Done: repeats,
		Unsafe: unsafe, FalseFailovers: falseFOs, FailoverP95: p95}
	for i := range repeats {
		c.Runs = append(c.Runs, reports.SweepRun{Repeat: i + 1, Status: reports.RunDone})
	}
	return c
}

func f(v float64) *float64 { return &v }

func TestRecommend(t *testing.T) {
	values := []reports.SweepValue{{Label: "1s", X: 1}, {Label: "2s", X: 2}, {Label: "4s", X: 4}}
	faults := []reports.SweepFault{{Label: "none", Control: true}, {Label: "pause-3s"}, {Label: "pause-2x"}, {Label: "kill"}}
	incomplete := cell("2s", "kill", 5, 0, 0, f(2), "node kills for 5 s")
	incomplete.Runs[4].Status, incomplete.Done = reports.RunElsewhere, 4
	s := reports.Sweep{Setting: "lease_ttl", Values: values, Faults: faults, Cells: []reports.SweepCell{
		// The control: the smallest value with no false failover on a quiet cluster.
		cell("1s", "none", 5, 0, 3, nil, "no faults"),
		cell("2s", "none", 5, 0, 0, nil, "no faults"),
		cell("4s", "none", 5, 0, 0, nil, "no faults"),
		// The issue's own sentence; 4s qualifies too with a lower p95, but
		// 2s is smaller.
		cell("1s", "pause-3s", 5, 2, 0, f(1.1), "client pauses of 3 s"),
		cell("2s", "pause-3s", 5, 0, 0, f(5.8), "client pauses of 3 s"),
		cell("4s", "pause-3s", 5, 0, 0, f(4.0), "client pauses of 3 s"),
		// None qualifies, each for its own reasons.
		cell("1s", "pause-2x", 5, 5, 0, f(1.4), "client pauses of 2 s"),
		cell("2s", "pause-2x", 5, 1, 2, f(2.4), "client pauses of 4 s"),
		cell("4s", "pause-2x", 5, 0, 1, f(4.4), "client pauses of 8 s"),
		// A cell with a repeat missing cannot vouch for all of them.
		cell("1s", "kill", 5, 0, 1, f(1), "node kills for 5 s"),
		incomplete,
		cell("4s", "kill", 5, 0, 0, f(4.5), "node kills for 5 s"),
	}}
	got := recommend(s)
	want := []reports.Recommendation{
		{Fault: "none", Value: "2s", Text: "lease_ttl 2s: 0/5 unsafe, 0 false failovers, no failover with no faults"},
		{Fault: "pause-3s", Value: "2s", Text: "lease_ttl 2s: 0/5 unsafe, 0 false failovers, failover p95 5.8 s under client pauses of 3 s"},
		{Fault: "pause-2x", Text: "no lease_ttl qualifies under pause-2x: 1s: 5/5 unsafe; 2s: 1/5 unsafe, 2 false failovers; 4s: 1 false failover"},
		{Fault: "kill", Value: "4s", Text: "lease_ttl 4s: 0/5 unsafe, 0 false failovers, failover p95 4.5 s under node kills for 5 s"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d recommendations, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s:\n got %+v\nwant %+v", want[i].Fault, got[i], want[i])
		}
	}
}

func TestDisqualifiedIncomplete(t *testing.T) {
	c := cell("2s", "kill", 3, 0, 0, f(2), "")
	c.Runs[1].Status, c.Runs[2].Status, c.Done = reports.RunNotRun, reports.RunError, 1
	if got, want := disqualified(c), "2 of 3 repeats without a verdict here"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
