package checkers_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/checkers/internal/gen"
)

// falseFailovers returns the liveness checker's false-failover notes.
func falseFailovers(t *testing.T, live checkers.Result) []checkers.Anomaly {
	t.Helper()
	var out []checkers.Anomaly
	for _, a := range live.Anomalies {
		if a.Kind == "false-failover" {
			if a.Fatal {
				t.Fatalf("a false failover is fatal by itself: %+v", a)
			}
			out = append(out, a)
		}
	}
	if got := live.Figures["false_failovers"]; got != float64(len(out)) {
		t.Fatalf("false_failovers figure %v, notes %d: %+v", got, len(out), out)
	}
	return out
}

// The base (n1 leads with token 5 from op 2; a pause of n3 from op 3,
// never healed) and, after it, a fault of kind at op 22, n1's lost at op
// 23, n2's grant at op 24.
func lostUnder(fault string) []string {
	return with(
		`150 nemesis info fault-start `+fault, // 22
		`300 n1 info lost {"token":5}`,        // 23
		`500 n2 ok campaign {"token":6}`,      // 24
	)
}

// A leadership change while only a link fault is in effect — delay or
// loss on the links between nodes, a flaky link, even one that isolates
// the leader — is a false failover found at its ops (n1's grant and lost,
// n2's grant), naming the faults in effect; the same change after a kill
// of the leader's node is a failover, and no false one.
func TestFalseFailoverPlanted(t *testing.T) {
	for _, fault := range []string{
		`{"fault":"link-delay","shape":"isolate-leader","groups":[["n1"],["n2","n3"]],"delay":"300ms"}`,
		`{"fault":"link-loss","nodes":["n1"],"loss":0.3}`,
		`{"fault":"flaky","shape":"isolate-leader","groups":[["n1"],["n2","n3"]],"grudge":{"n2":["n1"],"n3":["n1"]},"period":"500ms"}`,
	} {
		live := result(check(h(t, lostUnder(fault)...), checkers.Options{}), "liveness")
		ffs := falseFailovers(t, live)
		if len(ffs) != 1 {
			t.Fatalf("%s: false failovers %+v, want one", fault, ffs)
		}
		ff := ffs[0]
		if !slices.Equal(ff.Ops, []int64{2, 23, 24}) || !slices.Equal(ff.Processes, []string{"n1", "n2"}) ||
			ff.Start != 300*time.Millisecond || ff.End != 500*time.Millisecond {
			t.Fatalf("%s: %+v, want ops 2, 23, 24 of n1 and n2 from 0.30 s to 0.50 s", fault, ff)
		}
		kind := fault[len(`{"fault":"`):strings.Index(fault, `",`)]
		for _, want := range []string{
			"n2 took over from n1 at 0.50 s (token 5 → 6) while no fault had removed n1 (n1's leadership had ended at 0.30 s: lost)",
			"faults in effect: pause on n3 since 0.02 s; " + kind + " ",
		} {
			if !strings.Contains(ff.Message, want) {
				t.Errorf("%s: message %q lacks %q", fault, ff.Message, want)
			}
		}
		if live.Validity != checkers.Valid || len(live.Failovers) != 0 || len(live.Survived) != 0 {
			t.Fatalf("%s: %s, failovers %+v, survived %+v: a link fault hits no leader", fault, live.Validity, live.Failovers, live.Survived)
		}
		if !strings.Contains(live.Summary, "1 false failover (a new leader while no fault had removed the old one)") {
			t.Errorf("%s: summary %q", fault, live.Summary)
		}
	}

	live := result(check(h(t, lostUnder(`{"fault":"kill","nodes":["n1"]}`)...), checkers.Options{}), "liveness")
	if ffs := falseFailovers(t, live); len(ffs) != 0 || len(live.Failovers) != 1 || live.Failovers[0].GrantOp != 24 {
		t.Fatalf("after a kill of the leader: false failovers %+v, failovers %+v; want none and one", ffs, live.Failovers)
	}

	live = result(check(h(t, base...), checkers.Options{}), "liveness")
	if _, ok := live.Figures["false_failovers"]; !ok || len(falseFailovers(t, live)) != 0 {
		t.Fatalf("a clean history: figures %v, anomalies %+v; want false_failovers 0", live.Figures, live.Anomalies)
	}
}

// The kinds of change, and what explains one.
func TestFalseFailoverChanges(t *testing.T) {
	for _, tt := range []struct {
		name  string
		lines []string
		ops   []int64 // the false failover's; nil: none
		msg   string
		// start and end, when given, are the false failover's window.
		start, end time.Duration
	}{
		{
			name:  "a takeover while the old leader still leads, no fault on it",
			lines: with(`500 n2 ok campaign {"token":6}`, `700 n1 info lost {"token":5}`), // 22, 23
			ops:   []int64{2, 22},
			msg:   "n2 took over from n1 at 0.50 s (token 5 → 6) while no fault had removed n1 (n1 still led); faults in effect: pause on n3 since 0.02 s",
			start: 500 * time.Millisecond, end: 700 * time.Millisecond, // while both held it
		},
		{
			name:  "the same process granted again after it lost",
			lines: with(`300 n1 info lost {"token":5}`, `310 n1 invoke campaign {}`, `500 n1 ok campaign {"token":7}`), // 22, 23, 24
			ops:   []int64{2, 22, 24},
			msg:   "n1 was granted again at 0.50 s (token 5 → 7) while no fault had removed it (its leadership had ended at 0.30 s: lost)",
		},
		{
			name: "a leader whose write ended unknown, no fault at all in effect",
			lines: with(`120 nemesis info fault-heal {"fault":"pause","nodes":["n3"]}`,
				`200 n1 invoke write {"token":5,"seq":10}`, `300 n1 info write {"token":5,"seq":10}`, `500 n2 ok campaign {"token":6}`), // 23, 24, 25
			ops: []int64{2, 24, 25},
			msg: "(n1's leadership had ended at 0.30 s: write ended unknown); no fault was in effect",
		},
		{
			name:  "a takeover before the fault that then removed the old leader is still false",
			lines: with(`100 n2 ok campaign {"token":6}`, `150 nemesis info fault-start {"fault":"kill","nodes":["n1"]}`, `300 n1 info lost {"token":5}`), // 22
			ops:   []int64{2, 22},
		},
		{
			name:  "a one-way partition that cuts what the leader hears, not what it sends",
			lines: lostUnder(`{"fault":"partition","shape":"halves","direction":"one-way","groups":[["n2","n3"],["n1"]],"grudge":{"n1":["n2","n3"]}}`),
			ops:   []int64{2, 23, 24},
			msg:   "faults in effect: pause on n3 since 0.02 s; partition halves between n2 n3 | n1 since 0.15 s",
		},
		{
			name:  "a one-way partition that cuts what the leader sends",
			lines: lostUnder(`{"fault":"partition","shape":"isolate-leader","direction":"one-way","groups":[["n1"],["n2","n3"]],"grudge":{"n2":["n1"],"n3":["n1"]}}`),
		},
		{
			name:  "a two-way partition isolating the leader",
			lines: lostUnder(`{"fault":"partition","shape":"isolate-leader","groups":[["n1"],["n2","n3"]]}`),
		},
		{
			name:  "a client pause of the leader",
			lines: lostUnder(`{"fault":"client-pause","process":"n1","for":"2s"}`),
		},
		{
			name:  "a resign handed leadership over on purpose",
			lines: with(`200 n1 invoke resign {"token":5}`, `210 n1 ok resign {"token":5}`, `500 n2 ok campaign {"token":6}`),
		},
		{
			name: "a fault on the leader already in effect when it was granted",
			lines: with(`200 n1 invoke resign {"token":5}`, `210 n1 ok resign {"token":5}`,
				`250 nemesis info fault-start {"fault":"clock-skew","process":"n2","nodes":["n2"],"offset":"-4s"}`,
				`500 n2 ok campaign {"token":6}`, `900 n2 info lost {"token":6}`, `1000 n3 invoke campaign {}`, `1200 n3 ok campaign {"token":8}`),
		},
		{
			// Only what happened from n2's grant on counts: n3's grant
			// before it (ended by a resign) is no proof of n2's removal.
			name: "a fault on the leader already in effect when it was granted, which it outlived",
			lines: with(`200 n1 invoke resign {"token":5}`, `210 n1 ok resign {"token":5}`,
				`250 nemesis info fault-start {"fault":"clock-skew","process":"n2","nodes":["n2"],"offset":"-4s"}`, // 24
				`260 n3 invoke campaign {}`, `300 n3 ok campaign {"token":6}`,
				`400 n3 invoke resign {"token":6}`, `410 n3 ok resign {"token":6}`,
				`500 n2 ok campaign {"token":7}`, // 29
				`800 nemesis info fault-heal {"fault":"clock-skew","process":"n2","nodes":["n2"]}`,
				`2000 n2 info lost {"token":7}`,                                  // 31: past the heal's grace
				`2100 n1 invoke campaign {}`, `2200 n1 ok campaign {"token":9}`), // 33
			ops: []int64{29, 31, 33},
			msg: "n1 took over from n2 at 2.20 s (token 7 → 9) while no fault had removed n2 (n2's leadership had ended at 2.00 s: lost); faults in effect: pause on n3 since 0.02 s",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			live := result(check(h(t, tt.lines...), checkers.Options{}), "liveness")
			ffs := falseFailovers(t, live)
			if tt.ops == nil {
				if len(ffs) != 0 {
					t.Fatalf("false failovers %+v, want none", ffs)
				}
				return
			}
			if len(ffs) != 1 || !slices.Equal(ffs[0].Ops, tt.ops) {
				t.Fatalf("false failovers %+v, want one at ops %v", ffs, tt.ops)
			}
			if !strings.Contains(ffs[0].Message, tt.msg) {
				t.Fatalf("message %q lacks %q", ffs[0].Message, tt.msg)
			}
			if tt.end > 0 && (ffs[0].Start != tt.start || ffs[0].End != tt.end) {
				t.Fatalf("window %v–%v, want %v–%v", ffs[0].Start, ffs[0].End, tt.start, tt.end)
			}
		})
	}
}

// The limits: more false failovers than max_false_failovers, or elections
// per minute above max_elections_per_minute, make the run invalid with
// one fatal anomaly saying the figure and the limit; at or under them it
// stays valid.
func TestFalseFailoverLimits(t *testing.T) {
	lines := with(
		`150 nemesis info fault-start {"fault":"link-delay","nodes":["n1"],"delay":"300ms"}`, // 22
		`300 n1 info lost {"token":5}`, // 23
		`310 n1 invoke campaign {}`,
		`500 n2 ok campaign {"token":6}`, // 25
		`900 n1 ok campaign {"token":8}`, // 26: took over from n2
	)
	for _, tt := range []struct {
		limits checkers.Limits
		kind   string // the fatal anomaly; "" for valid
		ops    []int64
		msg    string
	}{
		{limits: checkers.Limits{}},
		{limits: checkers.Limits{MaxFalseFailovers: checkers.AtMost(2)}},
		{limits: checkers.Limits{MaxFalseFailovers: checkers.AtMost(1)}, kind: "too-many-false-failovers", ops: []int64{2, 23, 25, 26},
			msg: "2 false failovers, more than the limit of 1: leadership changed while no fault had removed the leader"},
		{limits: checkers.Limits{MaxFalseFailovers: checkers.AtMost(0)}, kind: "too-many-false-failovers", ops: []int64{2, 23, 25, 26},
			msg: "more than the limit of 0"},
		// 3 grants in 0.90 s: 200 a minute.
		{limits: checkers.Limits{MaxElectionsPerMin: 200}},
		{limits: checkers.Limits{MaxElectionsPerMin: 100}, kind: "too-many-elections", ops: []int64{2, 25, 26},
			msg: "200.0 elections per minute (3 in 0.90 s), more than the limit of 100.0: leadership flaps"},
	} {
		live := result(check(h(t, lines...), checkers.Options{Limits: tt.limits}), "liveness")
		if n := len(falseFailovers(t, live)); n != 2 {
			t.Fatalf("%+v: %d false failovers, want 2", tt.limits, n)
		}
		got := fatalOf(live)
		if tt.kind == "" {
			if live.Validity != checkers.Valid || len(got) != 0 {
				t.Fatalf("%+v: %s %+v, want valid", tt.limits, live.Validity, got)
			}
			continue
		}
		if live.Validity != checkers.Invalid || len(got) != 1 || got[0].Kind != tt.kind || !slices.Equal(got[0].Ops, tt.ops) ||
			!strings.Contains(got[0].Message, tt.msg) {
			t.Fatalf("%+v: %s %+v, want one %s at ops %v saying %q", tt.limits, live.Validity, got, tt.kind, tt.ops, tt.msg)
		}
		if tt.kind == "too-many-false-failovers" && (got[0].Start != 300*time.Millisecond || got[0].End != 900*time.Millisecond ||
			!slices.Equal(got[0].Processes, []string{"n1", "n2"})) {
			t.Fatalf("%+v: window %v–%v of %v, want 0.3 s to 0.9 s of n1 and n2", tt.limits, got[0].Start, got[0].End, got[0].Processes)
		}
	}
}

// The hand-written edge history: a link delay isolating the leader's
// links (2 s to 7 s), under which n1's session expires (op 12) and n2 is
// granted (op 15) — a false failover —, then a kill of the leader n2
// (op 22), a failover to n3 (op 25).
func TestEdgeFalseFailover(t *testing.T) {
	ops := readEdge(t, "edge-false-failover.jsonl")
	live := result(check(ops, checkers.Options{}), "liveness")
	ffs := falseFailovers(t, live)
	if len(ffs) != 1 || !slices.Equal(ffs[0].Ops, []int64{3, 12, 15}) || !slices.Equal(ffs[0].Processes, []string{"n1", "n2"}) ||
		ffs[0].Start != 3100*time.Millisecond || ffs[0].End != 3400*time.Millisecond {
		t.Fatalf("false failovers %+v, want one at ops 3, 12, 15 of n1 and n2 from 3.1 s to 3.4 s", ffs)
	}
	want := "n2 took over from n1 at 3.40 s (token 5 → 9) while no fault had removed n1 (n1's leadership had ended at 3.10 s: lost); " +
		"faults in effect: link-delay isolate-leader between n1 | n2 n3 since 2.00 s"
	if ffs[0].Message != want {
		t.Fatalf("message\n %q\nwant\n %q", ffs[0].Message, want)
	}
	if live.Validity != checkers.Valid || len(live.Failovers) != 1 || live.Failovers[0].FaultOp != 22 || live.Failovers[0].GrantOp != 25 {
		t.Fatalf("%s, failovers %+v: want valid, the kill's failover alone", live.Validity, live.Failovers)
	}
	for _, f := range []string{"elections_per_minute", "leadership_max_s", "leadership_median_s"} {
		if _, ok := live.Figures[f]; !ok {
			t.Errorf("no %s figure: %v", f, live.Figures)
		}
	}

	r := check(ops, checkers.Options{Limits: checkers.Limits{MaxFalseFailovers: checkers.AtMost(0)}})
	got := fatalOf(result(r, "liveness"))
	if r.Validity != checkers.Invalid || len(got) != 1 || got[0].Kind != "too-many-false-failovers" || !slices.Equal(got[0].Ops, []int64{3, 12, 15}) ||
		got[0].Message != "1 false failover, more than the limit of 0: leadership changed while no fault had removed the leader" {
		t.Fatalf("max 0 false failovers: %s %+v", r.Validity, got)
	}
	if r := check(ops, checkers.Options{Limits: checkers.Limits{MaxFalseFailovers: checkers.AtMost(1)}}); r.Validity != checkers.Valid {
		t.Fatalf("max 1 false failover: %s %+v", r.Validity, fatal(r))
	}
}

func TestCountLimit(t *testing.T) {
	var none checkers.CountLimit
	if _, ok := none.Max(); ok || none.Exceeded(1000) {
		t.Fatal("the zero CountLimit caps something")
	}
	zero := checkers.AtMost(0)
	if n, ok := zero.Max(); !ok || n != 0 || zero.Exceeded(0) || !zero.Exceeded(1) {
		t.Fatalf("AtMost(0): %+v", zero)
	}
}

// Generated: a leadership change under a fault that only degrades links
// (and followers' faults) is one false failover at the planted ops; the
// same change under a fault that kills, pauses or isolates the leader is
// none.
func TestGeneratedFalseFailover(t *testing.T) {
	t.Parallel()
	for seed := uint64(0); seed < casesPerKind; seed++ {
		rng := rand.New(rand.NewPCG(seed, 4))
		for _, removing := range []bool{false, true} {
			h, proof := gen.FalseFailover(rng, removing)
			if seed%4 == 0 {
				h = roundTrip(t, h)
			}
			r := check(h, checkers.Options{})
			live := result(r, "liveness")
			ffs := falseFailovers(t, live)
			switch {
			case r.Validity != checkers.Valid:
				t.Fatalf("seed %d (removing %v): %s %+v", seed, removing, r.Validity, fatal(r))
			case removing && (len(ffs) != 0 || len(live.Failovers) != 1):
				t.Fatalf("seed %d: the leader removed, yet false failovers %+v (failovers %+v)", seed, ffs, live.Failovers)
			case !removing && (len(ffs) != 1 || !slices.Equal(ffs[0].Ops, proof) || len(live.Failovers) != 0):
				t.Fatalf("seed %d: false failovers %+v, want one at %v (failovers %+v)", seed, ffs, proof, live.Failovers)
			}
		}
	}
}
