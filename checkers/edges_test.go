package checkers_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
)

// The edge histories in testdata/edge-*.jsonl are written by hand, as a
// user's application writes them, one per class of misjudgment the
// checkers must get right. Each is read through the validating reader.

func readEdge(t *testing.T, name string) []history.Op {
	t.Helper()
	ops, warns, err := history.ReadFile(filepath.Join("testdata", name))
	if err != nil || len(warns) > 0 {
		t.Fatalf("%s: %v %v", name, err, warns)
	}
	return ops
}

// fatalOf returns the fatal anomalies of one checker's result.
func fatalOf(res checkers.Result) []checkers.Anomaly {
	var out []checkers.Anomaly
	for _, a := range res.Anomalies {
		if a.Fatal {
			out = append(out, a)
		}
	}
	return out
}

// Campaigns that all fail for the whole run, with a fault in effect: no
// leader ever, so the run proved no safety (unknown), and the time without
// a leader counts from the first campaign invoke, so a liveness limit
// fails it.
func TestEdgeNoGrant(t *testing.T) {
	ops := readEdge(t, "edge-no-grant.jsonl")
	r := check(ops, checkers.Options{})
	if r.Validity != checkers.Unknown {
		t.Fatalf("no grant at all: %s, want unknown: %+v", r.Validity, fatal(r))
	}
	v := result(r, "vacuity")
	if got := fatalOf(v); len(got) != 1 || got[0].Kind != "no-grants" || !slices.Equal(got[0].Ops, []int64{0}) {
		t.Fatalf("vacuity: %+v, want one no-grants at op 0 (the first campaign invoke)", got)
	}
	live := result(r, "liveness")
	end := ops[len(ops)-1].Time
	if got := live.Figures["no_leader_total_s"]; got != end.Seconds() {
		t.Fatalf("no leader for %v s, want the whole run from the first campaign: %v s", got, end.Seconds())
	}

	r = check(ops, checkers.Options{Limits: checkers.Limits{MaxNoLeader: 5 * time.Second}})
	if r.Validity != checkers.Invalid {
		t.Fatalf("no leader for 19 s with --max-no-leader 5s: %s, want invalid", r.Validity)
	}
	got := fatalOf(result(r, "liveness"))
	if len(got) != 1 || got[0].Kind != "limit-exceeded" || !slices.Equal(got[0].Ops, []int64{0}) || got[0].Start != 0 || got[0].End != end {
		t.Fatalf("liveness: %+v, want one limit-exceeded from op 0 to the end", got)
	}
}

// A pause of the leader's node that the leader survives (it kept writing,
// no lost) is no failover, even though the next grant comes a minute
// later; it is reported as survived.
func TestEdgeSurvivedFault(t *testing.T) {
	r := check(readEdge(t, "edge-survived-pause.jsonl"), checkers.Options{Limits: checkers.Limits{MaxFailover: 10 * time.Second}})
	live := result(r, "liveness")
	if live.Validity != checkers.Valid || len(live.Failovers) != 0 || live.Figures["failovers"] != 0 {
		t.Fatalf("a survived pause counted as a failover: %s %+v %v", live.Validity, live.Failovers, live.Figures)
	}
	want := checkers.Survival{Fault: "pause", FaultOp: 5, Start: 2 * time.Second, Process: "n1", Token: 5, HeldS: 4, HealOp: 10}
	if len(live.Survived) != 1 || live.Survived[0] != want || live.Figures["faults_survived"] != 1 {
		t.Fatalf("survived: %+v (figure %v), want [%+v]", live.Survived, live.Figures["faults_survived"], want)
	}
	if !strings.Contains(live.Summary, "the leader survived 1 fault") {
		t.Fatalf("summary does not say the leader survived: %q", live.Summary)
	}
}

// The same pause, but the leader learns it lost while its node is paused:
// a failover from the fault to the next grant, proven by the lost.
func TestEdgeRemovedFault(t *testing.T) {
	r := check(h(t, with(
		`200 nemesis info fault-start {"fault":"pause","nodes":["n1"]}`, // 22
		`3000 n1 info lost {"token":5}`,                                 // 23
		`3500 n2 ok campaign {"token":6}`,                               // 24
		`6000 nemesis info fault-heal {"fault":"pause","nodes":["n1"]}`,
	)...), checkers.Options{})
	fos := result(r, "liveness").Failovers
	want := checkers.Failover{Fault: "pause", FaultOp: 22, Start: 200 * time.Millisecond, TookS: 3.3, GrantOp: 24, Resolved: true,
		Process: "n1", Token: 5, RemovedOp: 23}
	if len(fos) != 1 || fos[0] != want {
		t.Fatalf("failovers %+v, want [%+v]", fos, want)
	}

	// A lost more than a second after the heal, or after the leader wrote
	// again, is not the fault's doing: survived.
	for _, after := range [][]string{
		{`3100 n1 info lost {"token":5}`},
		{`2100 n1 invoke write {"token":5,"seq":10}`, `2101 n1 ok write {"token":5,"seq":10}`, `2500 n1 info lost {"token":5}`},
	} {
		r = check(h(t, with(append([]string{
			`200 nemesis info fault-start {"fault":"pause","nodes":["n1"]}`,
			`2000 nemesis info fault-heal {"fault":"pause","nodes":["n1"]}`,
		}, append(after, `3500 n2 ok campaign {"token":6}`)...)...)...), checkers.Options{})
		if live := result(r, "liveness"); len(live.Failovers) != 0 || len(live.Survived) != 1 {
			t.Fatalf("leadership ended after the heal (%v): failovers %+v survived %+v", after, live.Failovers, live.Survived)
		}
	}
	// A lost seen just after the heal, before the leader acted again, is
	// the fault's: the lease ran out while the node was frozen, and the
	// news came a watch round trip after the thaw.
	r = check(h(t, with(
		`200 nemesis info fault-start {"fault":"pause","nodes":["n1"]}`,
		`2000 nemesis info fault-heal {"fault":"pause","nodes":["n1"]}`,
		`2030 n1 info lost {"token":5}`, // 24
		`2100 n2 ok campaign {"token":6}`,
	)...), checkers.Options{})
	if fos := result(r, "liveness").Failovers; len(fos) != 1 || fos[0].RemovedOp != 24 {
		t.Fatalf("a lost 30 ms after the heal: %+v", fos)
	}

	// The observer showing another leader during the fault removes it, even
	// with no lost and no grant recorded.
	r = check(h(t, with(
		`200 nemesis info fault-start {"fault":"pause","nodes":["n1"]}`, // 22
		`900 observer info leader {"leader":null}`,                      // 23
		`2000 nemesis info fault-heal {"fault":"pause","nodes":["n1"]}`,
		`3500 n2 ok campaign {"token":6}`, // 25
	)...), checkers.Options{})
	if fos := result(r, "liveness").Failovers; len(fos) != 1 || fos[0].RemovedOp != 23 || fos[0].GrantOp != 25 {
		t.Fatalf("observer showed no leader during the pause: %+v", fos)
	}
}

// With halves of 4 nodes, neither half is a majority: the leader is cut
// from a majority whichever half it is in, and the figures say that no
// side could elect.
func TestEdgeEvenSplit(t *testing.T) {
	r := check(readEdge(t, "edge-even-split.jsonl"), checkers.Options{})
	live := result(r, "liveness")
	want := checkers.Failover{Fault: "partition", FaultOp: 25, Start: 1500 * time.Millisecond, TookS: 9.5, GrantOp: 29, Resolved: true,
		Process: "n1", Token: 5, RemovedOp: 26, NoMajority: true}
	if len(live.Failovers) != 1 || live.Failovers[0] != want {
		t.Fatalf("failovers %+v, want [%+v]", live.Failovers, want)
	}
	if live.Figures["partitions_no_majority"] != 1 || !strings.Contains(live.Summary, "1 partition left no side a majority") {
		t.Fatalf("no-majority not said: %v %q", live.Figures, live.Summary)
	}
}

// Writes by processes never granted the token they carry: accepted, they
// are fatal; and the resource accepting token 5 after it accepted token 9
// is a failed fence whoever wrote 9.
func TestEdgeUngrantedWrites(t *testing.T) {
	r := check(readEdge(t, "edge-ungranted-writes.jsonl"), checkers.Options{})
	if r.Validity != checkers.Invalid {
		t.Fatalf("%s, want invalid", r.Validity)
	}
	got := fatalOf(result(r, "ungranted-writes"))
	if len(got) != 2 {
		t.Fatalf("ungranted-writes: %+v, want two", got)
	}
	// n3 was never granted anything; token 5 was n1's (granted at op 2).
	if got[0].Kind != "write-without-grant" || !slices.Equal(got[0].Ops, []int64{2, 20, 21}) || !strings.Contains(got[0].Message, "n1's") {
		t.Fatalf("first: %+v", got[0])
	}
	// n4 wrote with token 9, which nobody was granted.
	if got[1].Kind != "write-without-grant" || !slices.Equal(got[1].Ops, []int64{22, 23}) || !strings.Contains(got[1].Message, "nobody was granted") {
		t.Fatalf("second: %+v", got[1])
	}
	stale := fatalOf(result(r, "stale-writes"))
	if len(stale) != 1 || stale[0].Kind != "stale-write-accepted" || !slices.Equal(stale[0].Ops, []int64{22, 23, 24, 25}) {
		t.Fatalf("stale-writes: %+v, want token 5 accepted after token 9 at ops 22-25", stale)
	}

	// A granted process writing with a token granted to another one.
	r = check(h(t, with(
		`200 n2 invoke write {"token":5,"seq":10}`, `201 n2 fail write {"token":5,"seq":10}`,
	)...), checkers.Options{})
	res := result(r, "ungranted-writes")
	if res.Validity != checkers.Valid || len(res.Anomalies) != 1 || res.Anomalies[0].Kind != "write-without-grant" ||
		!slices.Equal(res.Anomalies[0].Ops, []int64{2, 22, 23}) {
		t.Fatalf("a rejected ungranted write is reported, not fatal: %s %+v", res.Validity, res.Anomalies)
	}
	r = check(h(t, with(
		`200 n1 info lost {"token":5}`, `210 n1 invoke campaign {}`,
		`300 n2 ok campaign {"token":7}`,
		`310 n1 ok campaign {"token":8}`,
		`320 n1 invoke write {"token":7,"seq":10}`, `321 n1 ok write {"token":7,"seq":10}`, // 26, 27
	)...), checkers.Options{})
	got = fatalOf(result(r, "ungranted-writes"))
	if len(got) != 1 || got[0].Kind != "write-ungranted-token" || !slices.Equal(got[0].Ops, []int64{24, 26, 27}) {
		t.Fatalf("n1 wrote with n2's token: %+v", got)
	}
}

// Under resource none nothing is fenced: the sentences say what the
// history shows, never that fencing contained anything.
func TestEdgeSentencesSayWhatHappened(t *testing.T) {
	r := check(readEdge(t, "edge-overlap-in-order.jsonl"), checkers.Options{})
	if r.Validity != checkers.Valid {
		t.Fatalf("%s: %+v", r.Validity, fatal(r))
	}
	for _, res := range r.Results {
		for _, s := range append([]string{res.Summary}, messages(res)...) {
			if strings.Contains(s, "fenc") {
				t.Errorf("%s claims fencing: %q", res.Checker, s)
			}
		}
	}
	dl := result(r, "dual-leaders")
	if len(dl.Anomalies) != 1 || !strings.Contains(dl.Anomalies[0].Message, "the resource accepted 1 write of n1's only before n2's first") {
		t.Fatalf("dual-leaders: %+v", dl.Anomalies)
	}
	sw := result(r, "stale-writes")
	if !strings.Contains(sw.Summary, "the resource never accepted an older token after a newer one") {
		t.Fatalf("stale-writes summary: %q", sw.Summary)
	}
}

func messages(res checkers.Result) []string {
	var out []string
	for _, a := range res.Anomalies {
		out = append(out, a.Message)
	}
	return out
}

// A grant's token that is not a JSON integer is bad input naming the line
// and field, never a silently dropped grant.
func TestEdgeTokenNotInteger(t *testing.T) {
	for _, name := range []string{"edge-string-token.jsonl", "edge-float-token.jsonl"} {
		_, _, err := history.ReadFile(filepath.Join("testdata", name))
		if !history.IsParseError(err) || !strings.Contains(err.Error(), name+`:3: field "value.token"`) {
			t.Errorf("%s: %v, want a parse error at line 3, field value.token", name, err)
		}
	}
}

// What is right today stays right.
func TestEdgeKept(t *testing.T) {
	// A grant lower than one already granted, even to a campaign that
	// overlapped the first: the etcd Campaign finding.
	r := check(h(t, with(
		`150 n2 ok campaign {"token":4}`, // 22
	)...), checkers.Options{})
	if got := fatalOf(result(r, "token-order")); len(got) != 1 || got[0].Kind != "token-not-increasing" || !slices.Equal(got[0].Ops, []int64{2, 22}) {
		t.Fatalf("lower token granted while n1 led: %+v", got)
	}
	// A lost recorded before the campaign's ok does not end the leadership
	// that ok starts: n1 still leads when n2 is granted, an overlap.
	r = check(h(t,
		`0 n1 invoke campaign {}`, `5 n1 info lost {"token":3}`, `10 n1 ok campaign {"token":5}`,
		`20 nemesis info fault-start {"fault":"pause","nodes":["n3"]}`,
		`30 n1 invoke write {"token":5,"seq":1}`, `31 n1 ok write {"token":5,"seq":1}`,
		`40 n2 invoke campaign {}`, `50 n2 ok campaign {"token":6}`,
		`70 n1 invoke write {"token":5,"seq":2}`, `71 n1 fail write {"token":5,"seq":2}`,
	), checkers.Options{Strict: true})
	if got := fatalOf(result(r, "dual-leaders")); len(got) != 1 || got[0].Kind != "contained-overlap" {
		t.Fatalf("a lost before the campaign's ok ended the leadership: %+v", got)
	}
	// resign and an info completion end a leadership: no overlap after them.
	for _, end := range [][]string{
		{`200 n1 invoke resign {"token":5}`, `210 n1 ok resign {"token":5}`},
		{`200 n1 invoke write {"token":5,"seq":10}`, `210 n1 info write {"token":5,"seq":10}`},
	} {
		r = check(h(t, with(append(end, `300 n2 ok campaign {"token":6}`)...)...), checkers.Options{Strict: true})
		if res := result(r, "dual-leaders"); res.Validity != checkers.Valid || len(res.Anomalies) != 0 {
			t.Fatalf("%s then a grant: %+v", end[1], res.Anomalies)
		}
	}
	// A process id reused after its op ended in info is bad input.
	_, _, err := history.Read(strings.NewReader(
		`{"index":0,"time":0,"process":"n1","type":"invoke","f":"campaign","value":{}}`+"\n"+
			`{"index":1,"time":1,"process":"n1","type":"info","f":"campaign"}`+"\n"+
			`{"index":2,"time":2,"process":"n1","type":"invoke","f":"campaign","value":{}}`+"\n"), "reuse.jsonl")
	if !history.IsParseError(err) || !strings.Contains(err.Error(), "reuse.jsonl:3") {
		t.Fatalf("process reused after info: %v", err)
	}
}

// A partition shaped by a grudge (majority-ring, bridge: no groups) hits
// the leader when it cuts the leader's node; one that leaves the leader's
// links whole does not.
func TestEdgeGrudgePartition(t *testing.T) {
	for _, tt := range []struct {
		grudge string
		want   float64
	}{
		{`{"n1":["n3"],"n3":["n1"]}`, 1}, // the leader's node cut from n3
		{`{"n2":["n3"],"n3":["n2"]}`, 0}, // only followers cut
	} {
		r := check(h(t, with(
			`200 nemesis info fault-start {"fault":"partition","shape":"majority-ring","grudge":`+tt.grudge+`}`,
			`300 n1 info lost {"token":5}`,
			`900 nemesis info fault-heal {"fault":"partition","shape":"majority-ring"}`,
			`1200 n2 ok campaign {"token":6}`,
		)...), checkers.Options{})
		if got := result(r, "liveness").Figures["failovers"]; got != tt.want {
			t.Errorf("grudge %s: %v failovers, want %v", tt.grudge, got, tt.want)
		}
	}
}

// A lease-timestamp follower whose clock runs 4 s ahead takes the lease
// over 2.4 s before the expiry its holder stamped (op 6), while the holder
// still writes: an early-takeover note at op 6, spanning the 2.4 s, beside
// the verdicts of the checkers that judge the overlap (the holder's write
// at op 9 after the new leader's at op 7: split brain). The later
// takeover (op 14) of a record already 0.5 s past its expiry is on time.
func TestEdgeEarlyTakeover(t *testing.T) {
	ops := readEdge(t, "edge-early-takeover.jsonl")
	r := check(ops, checkers.Options{})
	live := result(r, "liveness")
	var early []checkers.Anomaly
	for _, a := range live.Anomalies {
		if a.Kind == "early-takeover" {
			early = append(early, a)
		}
	}
	if len(early) != 1 || early[0].Fatal || !slices.Equal(early[0].Ops, []int64{6}) ||
		!slices.Equal(early[0].Processes, []string{"n1", "n2"}) ||
		early[0].Start != 1200*time.Millisecond || early[0].End != 3600*time.Millisecond {
		t.Fatalf("early takeovers: %+v, want one note at op 6 from n1 to n2, 1.2 s to 3.6 s", early)
	}
	if live.Validity != checkers.Valid || live.Figures["takeovers_early"] != 1 || live.Figures["takeover_early_max_s"] != 2.4 {
		t.Fatalf("liveness %s, figures %v: want valid (a finding, not a verdict), 1 early takeover, 2.4 s", live.Validity, live.Figures)
	}
	if !strings.Contains(live.Summary, "1 takeover before the lease ended (up to 2.40 s early)") {
		t.Fatalf("summary: %q", live.Summary)
	}
	if d := result(r, "dual-leaders"); d.Validity != checkers.Invalid {
		t.Fatalf("dual-leaders: %s, want invalid: the old holder's write at op 9 after the new one's", d.Validity)
	}
}

// Campaigns that say nothing of what they took over (every native
// recipe) get no takeover figures at all; a took_over that is not well
// formed (from not a string, a misspelt key) counts as absent.
func TestEdgeTakeoverFigureOnlyWhenSaid(t *testing.T) {
	live := result(check(readEdge(t, "edge-overlap-in-order.jsonl"), checkers.Options{}), "liveness")
	if _, ok := live.Figures["takeovers_early"]; ok {
		t.Fatalf("a native history has a takeovers_early figure: %v", live.Figures)
	}
	for _, v := range []string{
		`{"token":7,"took_over":{"expires_in_ns":2400000000,"from":1}}`,
		`{"token":7,"took_over":{"Expires_in_ns":2400000000,"from":"n1"}}`,
		`{"token":7,"took_over":{"expires_in_ns":2.4e9,"from":"n1"}}`,
		`{"token":7,"took_over":"n1"}`,
	} {
		op := history.Op{Index: 6, Process: "n2", Type: history.OK, F: history.FCampaign, Value: []byte(v)}
		if got, ok := op.TookOver(); ok {
			t.Errorf("%s: took over %+v, want not well formed", v, got)
		}
	}
	op := history.Op{Process: "n2", Type: history.OK, F: history.FCampaign, Value: []byte(`{"took_over":{"from":"n1","expires_in_ns":-5},"token":7}`)}
	if got, ok := op.TookOver(); !ok || got != (history.TookOver{From: "n1", ExpiresInNanos: -5}) {
		t.Errorf("took over %+v %v, want from n1, -5 ns", got, ok)
	}
}
