package plan

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/checkers"
)

// checks.max_false_failovers is an integer cap, unset by default (no
// limit); 0 is a cap like any other (none allowed). Set or not, it goes
// through the written plan and on to the checkers.
func TestChecksMaxFalseFailovers(t *testing.T) {
	if _, ok := Default().Checks.MaxFalseFailovers.Max(); ok {
		t.Fatal("the default plan caps false failovers")
	}
	if _, ok := Default().CheckerOptions().Limits.MaxFalseFailovers.Max(); ok {
		t.Fatal("the default checker options cap false failovers")
	}
	for _, want := range []int{0, 3} {
		path := writePlanFile(t, "checks:\n  max_false_failovers: "+itoa(want)+"\n  max_elections_per_minute: 4.5\n")
		p, err := Load(path, Default())
		if err != nil {
			t.Fatalf("%d: %v", want, err)
		}
		if n, ok := p.Checks.MaxFalseFailovers.Max(); !ok || n != want || p.Checks.MaxElectionsPerMinute != 4.5 {
			t.Fatalf("%d: checks %+v", want, p.Checks)
		}
		lim := p.CheckerOptions().Limits
		if lim.MaxFalseFailovers != checkers.AtMost(want) || lim.MaxElectionsPerMin != 4.5 {
			t.Fatalf("%d: checker limits %+v", want, lim)
		}
		out, err := p.YAML()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "\n  max_false_failovers: "+itoa(want)+"\n") {
			t.Fatalf("%d: the written plan lacks the cap:\n%s", want, out)
		}
		again, err := Parse("again.yaml", out, Default())
		if err != nil || again.Checks != p.Checks {
			t.Fatalf("%d: round trip %+v, %v; want %+v", want, again.Checks, err, p.Checks)
		}
	}

	// Unset: the written plan says so in a comment, and reads back unset
	// even over a base that sets it.
	out, err := Default().YAML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "\n  # max_false_failovers: unset, no limit (0 allows none)\n  linearizable_timeout:") {
		t.Fatalf("the written default plan does not say max_false_failovers is unset:\n%s", out)
	}
	base := Default()
	base.Checks.MaxFalseFailovers = checkers.AtMost(2)
	p, err := Parse("plan.yaml", []byte("nodes: 5\n"), base)
	if err != nil || p.Checks.MaxFalseFailovers != checkers.AtMost(2) {
		t.Fatalf("a plan without the field over a base with it: %+v %v", p.Checks, err)
	}
}

// Bad values name the file, the line and the field (exit 254).
func TestChecksMaxFalseFailoversErrors(t *testing.T) {
	for _, tt := range []struct {
		name, yaml string
		want       []wantErr
	}{
		{"negative", "name: x\nchecks:\n  max_false_failovers: -1\n",
			[]wantErr{{3, "checks.max_false_failovers", "must not be negative, got -1"}}},
		{"a string", "checks:\n  max_false_failovers: none\n",
			[]wantErr{{2, "checks.max_false_failovers", `want an integer, got string "none"`}}},
		{"a number", "checks:\n  max_false_failovers: 1.5\n",
			[]wantErr{{2, "checks.max_false_failovers", "want an integer, got number 1.5"}}},
		{"no value", "checks:\n  max_false_failovers:\n",
			[]wantErr{{2, "checks.max_false_failovers", "want an integer, got no value"}}},
		{"a bool", "checks:\n  max_false_failovers: true\n",
			[]wantErr{{2, "checks.max_false_failovers", "want an integer, got true"}}},
		{"out of range", "checks:\n  max_false_failovers: 99999999999999999999\n",
			[]wantErr{{2, "checks.max_false_failovers", "want an integer"}}},
		{"misspelt", "checks:\n  max_false_failover: 1\n",
			[]wantErr{{2, "checks.max_false_failover", "unknown field"}}},
		{"negative rate", "checks:\n  max_elections_per_minute: -0.5\n",
			[]wantErr{{2, "checks.max_elections_per_minute", "must not be negative, got -0.5"}}},
		{"a string rate", "checks:\n  max_elections_per_minute: often\n",
			[]wantErr{{2, "checks.max_elections_per_minute", `want a number, got string "often"`}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writePlanFile(t, tt.yaml)
			_, err := Load(path, Default())
			checkPlanErrs(t, path, err, tt.want)
			if !IsError(err) {
				t.Errorf("%v: not a plan error (exit 254)", err)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
