package checkers_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
)

// h builds a history from lines "MS PROCESS TYPE F [VALUE]": the time in
// milliseconds, and the value as JSON. A client process's node is its name
// up to '#'.
func h(t *testing.T, lines ...string) []history.Op {
	t.Helper()
	ops := make([]history.Op, 0, len(lines))
	for i, l := range lines {
		parts := strings.SplitN(l, " ", 5)
		if len(parts) < 4 {
			t.Fatalf("bad line %q", l)
		}
		ms, err := strconv.Atoi(parts[0])
		if err != nil {
			t.Fatalf("bad time in %q", l)
		}
		op := history.Op{Index: int64(i), Time: time.Duration(ms) * time.Millisecond, Process: parts[1],
			Type: history.Type(parts[2]), F: parts[3]}
		if len(parts) == 5 {
			op.Value = []byte(parts[4])
		}
		if op.IsClient() {
			op.Node, _, _ = strings.Cut(op.Process, "#")
		}
		ops = append(ops, op)
	}
	return ops
}

// leaderWrites is a base of valid activity: n1 leads with token 5 and
// writes, a fault is in effect, and there are enough completed ops.
var base = []string{
	`0 n1 invoke campaign {}`,
	`1 n2 invoke campaign {}`,
	`10 n1 ok campaign {"token":5}`,
	`20 nemesis info fault-start {"fault":"pause","nodes":["n3"]}`,
	`30 n1 invoke write {"token":5,"seq":1}`, `31 n1 ok write {"token":5,"seq":1}`,
	`40 n1 invoke write {"token":5,"seq":2}`, `41 n1 ok write {"token":5,"seq":2}`,
	`50 n1 invoke write {"token":5,"seq":3}`, `51 n1 ok write {"token":5,"seq":3}`,
	`60 n1 invoke write {"token":5,"seq":4}`, `61 n1 ok write {"token":5,"seq":4}`,
	`70 n1 invoke write {"token":5,"seq":5}`, `71 n1 ok write {"token":5,"seq":5}`,
	`80 n1 invoke write {"token":5,"seq":6}`, `81 n1 ok write {"token":5,"seq":6}`,
	`90 n1 invoke write {"token":5,"seq":7}`, `91 n1 ok write {"token":5,"seq":7}`,
	`100 n1 invoke write {"token":5,"seq":8}`, `101 n1 ok write {"token":5,"seq":8}`,
	`110 n1 invoke write {"token":5,"seq":9}`, `111 n1 ok write {"token":5,"seq":9}`,
}

func with(extra ...string) []string { return append(append([]string(nil), base...), extra...) }

func TestTable(t *testing.T) {
	type want struct {
		checker  string
		validity checkers.Validity
		kind     string // a fatal anomaly of this kind; "" for none
		ops      []int64
	}
	tests := []struct {
		name  string
		lines []string
		opts  checkers.Options
		want  []want
	}{
		{name: "clean", lines: base, want: []want{{"dual-leaders", checkers.Valid, "", nil}, {"vacuity", checkers.Valid, "", nil}}},
		{
			name: "stale write accepted after the new leader's: split brain",
			lines: with(
				`200 n2 ok campaign {"token":6}`, // 22
				`210 n2 invoke write {"token":6,"seq":10}`, `211 n2 ok write {"token":6,"seq":10}`,
				`220 n1 invoke write {"token":5,"seq":11}`, `221 n1 ok write {"token":5,"seq":11}`, // 25, 26
				`230 n1 info lost {"token":5,"reason":"session expired"}`,
			),
			want: []want{
				{"stale-writes", checkers.Invalid, "stale-write-accepted", []int64{22, 24, 25, 26}},
				{"dual-leaders", checkers.Invalid, "split-brain", []int64{2, 22, 23, 24, 25, 26, 27}},
			},
		},
		{
			name: "stale write rejected: contained overlap, valid",
			lines: with(
				`200 n2 ok campaign {"token":6}`,
				`210 n2 invoke write {"token":6,"seq":10}`, `211 n2 ok write {"token":6,"seq":10}`,
				`220 n1 invoke write {"token":5,"seq":11}`, `221 n1 fail write {"token":5,"seq":11}`,
				`230 n1 info lost {"token":5,"reason":"session expired"}`,
			),
			want: []want{{"stale-writes", checkers.Valid, "", nil}, {"dual-leaders", checkers.Valid, "", nil}},
		},
		{
			name: "contained overlap is invalid when strict",
			lines: with(
				`200 n2 ok campaign {"token":6}`,
				`230 n1 info lost {"token":5,"reason":"session expired"}`,
			),
			opts: checkers.Options{Strict: true},
			want: []want{{"dual-leaders", checkers.Invalid, "contained-overlap", []int64{2, 22, 23}}},
		},
		{
			name: "stale write raced ahead of the new leader's first write: allowed by fencing",
			lines: with(
				`200 n2 ok campaign {"token":6}`,
				`205 n1 invoke write {"token":5,"seq":10}`, `206 n1 ok write {"token":5,"seq":10}`,
				`210 n1 info lost {"token":5,"reason":"session expired"}`,
				`220 n2 invoke write {"token":6,"seq":11}`, `221 n2 ok write {"token":6,"seq":11}`,
			),
			want: []want{{"stale-writes", checkers.Valid, "", nil}, {"dual-leaders", checkers.Valid, "", nil}},
		},
		{
			name:  "token granted twice",
			lines: with(`200 n1 info lost {"token":5}`, `300 n2 ok campaign {"token":5}`),
			want:  []want{{"token-order", checkers.Invalid, "token-reused", []int64{2, 23}}},
		},
		{
			name:  "token lower than an earlier grant",
			lines: with(`200 n1 info lost {"token":5}`, `300 n2 ok campaign {"token":4}`),
			want:  []want{{"token-order", checkers.Invalid, "token-not-increasing", []int64{2, 23}}},
		},
		{
			name: "an info completion ends leadership: no overlap after it",
			lines: with(
				`200 n1 invoke write {"token":5,"seq":10}`, `900 n1 info write {"token":5,"seq":10}`,
				`950 n2 ok campaign {"token":6}`,
				`960 n1#2 invoke campaign {}`,
			),
			want: []want{{"dual-leaders", checkers.Valid, "", nil}, {"stale-writes", checkers.Valid, "", nil}},
		},
		{
			name: "a write that never completes: unknown outcome, not accepted",
			lines: with(
				`200 n2 ok campaign {"token":6}`,
				`210 n2 invoke write {"token":6,"seq":10}`, `211 n2 ok write {"token":6,"seq":10}`,
				`220 n1 invoke write {"token":5,"seq":11}`,
			),
			want: []want{{"stale-writes", checkers.Valid, "", nil}, {"dual-leaders", checkers.Valid, "", nil}},
		},
		{
			name:  "too few ops: vacuous",
			lines: append(append([]string(nil), base[:8]...), `200 n2 fail campaign`),
			want:  []want{{"vacuity", checkers.Unknown, "too-few-ops", nil}},
		},
		{
			name:  "no faults: vacuous unless allowed",
			lines: append(append([]string(nil), base[:3]...), base[4:]...),
			want:  []want{{"vacuity", checkers.Unknown, "no-faults", nil}},
		},
		{
			name:  "no faults allowed",
			lines: append(append([]string(nil), base[:3]...), base[4:]...),
			opts:  checkers.Options{AllowNoFaults: true},
			want:  []want{{"vacuity", checkers.Valid, "", nil}},
		},
		{
			name:  "window without a leader over the limit",
			lines: with(`200 n1 info lost {"token":5}`, `9000 n2 ok campaign {"token":6}`),
			opts:  checkers.Options{Limits: checkers.Limits{MaxNoLeader: 5 * time.Second}},
			want:  []want{{"liveness", checkers.Invalid, "limit-exceeded", []int64{22, 23}}},
		},
		{
			name: "failover over the limit after the leader's node was paused",
			lines: with(
				`200 nemesis info fault-start {"fault":"pause","nodes":["n1"]}`,
				`300 n1 info lost {"token":5}`,
				`7200 n2 ok campaign {"token":6}`,
			),
			opts: checkers.Options{Limits: checkers.Limits{MaxFailover: 5 * time.Second}},
			want: []want{{"liveness", checkers.Invalid, "limit-exceeded", []int64{22, 23, 24}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(h(t, tt.lines...), tt.opts)
			for _, w := range tt.want {
				res := result(r, w.checker)
				if res.Validity != w.validity {
					t.Fatalf("%s: %s, want %s (%s) %+v", w.checker, res.Validity, w.validity, res.Summary, res.Anomalies)
				}
				var found *checkers.Anomaly
				for i, a := range res.Anomalies {
					if a.Fatal {
						if found != nil {
							t.Fatalf("%s: more than one fatal anomaly: %+v", w.checker, res.Anomalies)
						}
						found = &res.Anomalies[i]
					}
				}
				switch {
				case w.kind == "" && found != nil:
					t.Fatalf("%s: unexpected %+v", w.checker, *found)
				case w.kind != "" && (found == nil || found.Kind != w.kind):
					t.Fatalf("%s: want a %s, got %+v", w.checker, w.kind, res.Anomalies)
				case w.kind != "" && w.ops != nil && !equal(found.Ops, w.ops):
					t.Fatalf("%s: ops %v, want %v", w.checker, found.Ops, w.ops)
				case w.kind != "" && found.Message == "":
					t.Fatalf("%s: anomaly without a sentence", w.checker)
				}
			}
		})
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFailoverFigures(t *testing.T) {
	r := check(h(t, with(
		`200 nemesis info fault-start {"fault":"partition","groups":[["n1"],["n2","n3"]]}`,
		`300 n1 info lost {"token":5}`,
		`1200 n2 ok campaign {"token":6}`,
	)...), checkers.Options{})
	f := result(r, "liveness").Figures
	if f["failovers"] != 1 || f["failover_max_s"] < 0.99 || f["failover_max_s"] > 1.01 {
		t.Fatalf("failover after isolating the leader: %v", f)
	}
	if f["no_leader_longest_s"] < 0.89 || f["no_leader_longest_s"] > 0.91 {
		t.Fatalf("no-leader window: %v", f)
	}
	fos := result(r, "liveness").Failovers
	if len(fos) != 1 || fos[0].Fault != "partition" || !fos[0].Resolved || fos[0].FaultOp != 22 || fos[0].GrantOp != 24 ||
		fos[0].TookS < 0.99 || fos[0].TookS > 1.01 {
		t.Fatalf("failovers: %+v", fos)
	}
}

// A fault that removes the leader with no grant after it is listed as
// unresolved, timed to the end of the history.
func TestFailoverUnresolved(t *testing.T) {
	r := check(h(t, with(
		`200 nemesis info fault-start {"fault":"pause","nodes":["n1"]}`,
		`300 n1 info lost {"token":5}`,
		`2200 n3 fail campaign`,
	)...), checkers.Options{})
	fos := result(r, "liveness").Failovers
	if len(fos) != 1 || fos[0].Resolved || fos[0].GrantOp != -1 || fos[0].TookS < 1.99 {
		t.Fatalf("failovers: %+v", fos)
	}
}

func TestStaleWriteSentence(t *testing.T) {
	r := check(h(t, with(
		`4000 n2 ok campaign {"token":6}`,
		`4100 n2 invoke write {"token":6,"seq":10}`, `4110 n2 ok write {"token":6,"seq":10}`,
		`5300 n1 invoke write {"token":5,"seq":11}`, `5310 n1 ok write {"token":5,"seq":11}`,
	)...), checkers.Options{})
	got := result(r, "stale-writes").Anomalies[0].Message
	want := "n1 wrote with token 5 at 5.30 s, 1.30 s after n2 was granted token 6 and after the resource had accepted token 6; the resource accepted it"
	if got != want {
		t.Fatalf("sentence:\n got %q\nwant %q", got, want)
	}
}

// A link fault removes the leader when its leadership ends while the
// fault is in effect, whatever the kind: a cut, or a delay or loss past the
// lease. A leader that keeps leading through one survived it.
func TestLinkFaultsAndFailover(t *testing.T) {
	for _, kind := range []string{"client-partition", "client-delay", "client-loss"} {
		start := `200 nemesis info fault-start {"fault":"` + kind + `","victim":"leader","nodes":["n1"]}`
		heal := `1000 nemesis info fault-heal {"fault":"` + kind + `","nodes":["n1"]}`
		r := check(h(t, with(start, `300 n1 info lost {"token":5}`, heal, `1200 n2 ok campaign {"token":6}`)...), checkers.Options{})
		if live := result(r, "liveness"); live.Figures["failovers"] != 1 || len(live.Survived) != 0 {
			t.Errorf("%s of the leader, lost during it: %v failovers, %d survived; want 1, 0", kind, live.Figures["failovers"], len(live.Survived))
		}
		r = check(h(t, with(start, heal, `1050 n1 invoke write {"token":5,"seq":10}`, `1051 n1 ok write {"token":5,"seq":10}`,
			`1100 n1 invoke resign {"token":5}`, `1105 n1 ok resign {"token":5}`, `1200 n2 ok campaign {"token":6}`)...), checkers.Options{})
		if live := result(r, "liveness"); live.Figures["failovers"] != 0 || len(live.Survived) != 1 {
			t.Errorf("%s of the leader, which kept leading: %v failovers, %d survived; want 0, 1", kind, live.Figures["failovers"], len(live.Survived))
		}
	}
}
