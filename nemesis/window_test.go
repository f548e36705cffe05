package nemesis

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// testBudget is a budget for tests in milliseconds rather than seconds.
func testBudget(FaultSpec) budget {
	return budget{start: 50 * time.Millisecond, heal: 50 * time.Millisecond}
}

// runWindow runs spec on a fake cluster for a fault window of w, and
// returns the fake and the window's end.
func runWindow(t *testing.T, spec Spec, w time.Duration) (*fake, time.Time) {
	t.Helper()
	f := newFake(3)
	n, err := New(spec, f.env(), rng(5))
	if err != nil {
		t.Fatal(err)
	}
	n.budget = testBudget
	ctx, cancel := context.WithTimeout(context.Background(), w)
	defer cancel()
	end, _ := ctx.Deadline()
	if err := n.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if time.Now().Before(end) {
		t.Fatalf("Run returned %s before the window ended", time.Until(end))
	}
	return f, end
}

// A fault starts only when its start budget, duration and heal budget fit
// in what is left of the window: of 300 ms faults (400 ms with their
// budgets) in a 1 s window, the first starts at once and the second after
// it (590 ms left), and no third (at about 620 ms, 380 ms left) although
// the schedule would have had time to start one.
func TestNoFaultStartsPastTheCutoff(t *testing.T) {
	const d = 300 * time.Millisecond
	f, end := runWindow(t, Spec{Interval: 5 * time.Millisecond, Faults: []FaultSpec{{Kind: "pause", Victim: "n3", Duration: d}}}, time.Second)
	f.mu.Lock()
	defer f.mu.Unlock()
	var starts, heals []time.Time
	for i, c := range f.calls {
		switch c {
		case "pause n3":
			starts = append(starts, f.times[i])
		case "unpause n3":
			heals = append(heals, f.times[i])
		}
	}
	if len(starts) != 2 || len(heals) != 2 {
		t.Fatalf("%d starts and %d heals (%v), want 2 of each", len(starts), len(heals), f.calls)
	}
	for i, s := range starts {
		if left := end.Sub(s); left < d+testBudget(FaultSpec{}).heal {
			t.Errorf("fault %d started with %s left, less than its duration and heal", i+1, left)
		}
		if heals[i].After(end) {
			t.Errorf("fault %d healed %s after the window", i+1, heals[i].Sub(end))
		}
	}
	var kinds []string
	for _, op := range f.ops {
		kinds = append(kinds, op.F)
	}
	if !slices.Equal(kinds, []string{history.FFaultStart, history.FFaultHeal, history.FFaultStart, history.FFaultHeal}) {
		t.Fatalf("recorded %v", kinds)
	}
}

// A fault that can never fit is never drawn; the others still run, until
// the end of the window, each with room for its heal.
func TestFaultsThatDoNotFitAreSkipped(t *testing.T) {
	const d = 20 * time.Millisecond
	f, end := runWindow(t, Spec{Interval: 5 * time.Millisecond, Faults: []FaultSpec{
		{Kind: "partition", Shape: "halves", Duration: time.Hour},
		{Kind: "kill", Victim: "n1", Duration: d},
	}}, 800*time.Millisecond)
	f.mu.Lock()
	defer f.mu.Unlock()
	var last time.Time
	kills := 0
	for i, c := range f.calls {
		if strings.HasPrefix(c, "cut") {
			t.Fatalf("a fault longer than the window started: %v", f.calls)
		}
		if c == "kill n1" {
			kills++
			last = f.times[i]
			if left := end.Sub(last); left < d+testBudget(FaultSpec{}).heal {
				t.Errorf("kill %d started with %s left", kills, left)
			}
		}
	}
	// Each kill takes about 25 ms (interval and duration): dozens fit.
	if kills < 5 {
		t.Fatalf("%d kills in the window: %v", kills, f.calls)
	}
	// The schedule went on to the cut-off: the last kill started within
	// a few rounds of it (120 ms before the end, at the earliest).
	if left := end.Sub(last); left > 400*time.Millisecond {
		t.Errorf("the last kill started %s before the end: the schedule stopped early", left)
	}
}

// A fault longer than the whole window never starts, and Run waits out
// the window.
func TestFaultLongerThanTheWindow(t *testing.T) {
	f, _ := runWindow(t, Spec{Faults: []FaultSpec{{Kind: "pause", Victim: "leader", Duration: time.Second}}}, 100*time.Millisecond)
	if len(f.calls) != 0 || len(f.ops) != 0 {
		t.Fatalf("calls %v ops %v", f.calls, f.ops)
	}
}

// The real budgets: seconds for the faults that act through Docker or the
// plan's commands, less for those that act in this process.
func TestBudgets(t *testing.T) {
	for _, k := range []string{"partition", "pause", "kill"} {
		if b := budgetOf(FaultSpec{Kind: k}); b != clusterBudget || b.start < time.Second || b.heal < time.Second {
			t.Errorf("%s: budget %+v", k, b)
		}
	}
	for _, k := range []string{"client-pause", "client-partition", "client-delay", "client-loss", "clock-skew", "clock-drift"} {
		if b := budgetOf(FaultSpec{Kind: k}); b != clientBudget || b.start >= clusterBudget.start {
			t.Errorf("%s: budget %+v", k, b)
		}
	}
	// A server node's clock goes through the plan's commands, as a pause.
	if b := budgetOf(FaultSpec{Kind: "clock-skew", Clock: ClockNode}); b != clusterBudget {
		t.Errorf("clock-skew on a node: budget %+v", b)
	}
	n := &Nemesis{budget: budgetOf}
	if got := n.needs(FaultSpec{Kind: "pause", Duration: 8 * time.Second}); got != 10*time.Second {
		t.Errorf("a pause of 8 s needs %s of the window, want 10s", got)
	}
	if got := (FaultSpec{Kind: "kill", Duration: 4 * time.Second}).Needs(); got != 6*time.Second {
		t.Errorf("a kill of 4 s needs %s of the window, want 6s", got)
	}
	if got := n.needs(FaultSpec{Kind: "client-pause", Duration: 6 * time.Second}); got != 6500*time.Millisecond {
		t.Errorf("a client pause of 6 s needs %s of the window, want 6.5s", got)
	}
}
