package reports

import (
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
	"github.com/chaos-election/chaos/history"
)

// sample is a small history: two candidates, a stale write accepted after
// the new leader's, two faults, and values that try to inject HTML.
func sample() []history.Op {
	var ops []history.Op
	add := func(ms int, p string, typ history.Type, f string, v any, errText string) {
		node, _, _ := strings.Cut(p, "#")
		if p == history.Nemesis || p == history.Observer {
			node = ""
		}
		ops = append(ops, history.Op{Index: int64(len(ops)), Time: time.Duration(ms) * time.Millisecond,
			Process: p, Node: node, Type: typ, F: f, Value: history.MustValue(v), Err: errText})
	}
	add(0, "n1", history.Invoke, "campaign", map[string]any{}, "")
	add(0, "n2", history.Invoke, "campaign", map[string]any{}, "")
	add(10, "n1", history.OK, "campaign", map[string]any{"token": 5}, "")
	add(11, history.Observer, history.Info, "leader", map[string]any{"leader": "n1", "token": 5}, "")
	for i := 0; i < 12; i++ {
		add(20+10*i, "n1", history.Invoke, "write", map[string]any{"token": 5, "seq": i}, "")
		add(21+10*i, "n1", history.OK, "write", map[string]any{"token": 5, "seq": i}, "")
	}
	add(200, history.Nemesis, history.Info, "fault-start", map[string]any{"fault": "pause", "nodes": []string{"n1"}}, "")
	add(900, "n2", history.OK, "campaign", map[string]any{"token": 6}, "")
	add(910, "n2", history.Invoke, "write", map[string]any{"token": 6, "seq": 100, "note": `<script>alert("x")</script>`}, "")
	add(911, "n2", history.OK, "write", map[string]any{"token": 6, "seq": 100}, "")
	add(950, history.Nemesis, history.Info, "fault-heal", map[string]any{"fault": "pause", "nodes": []string{"n1"}}, "")
	add(960, "n1", history.Invoke, "write", map[string]any{"token": 5, "seq": 13}, "")
	add(961, "n1", history.OK, "write", map[string]any{"token": 5, "seq": 13}, "")
	add(970, "n1", history.Info, "lost", map[string]any{"token": 5, "reason": `"quoted" <b>`}, "")
	add(1000, history.Nemesis, history.Info, "fault-start", map[string]any{"fault": "partition", "shape": "halves"}, "")
	add(1500, history.Nemesis, history.Info, "fault-heal", map[string]any{"fault": "partition", "shape": "halves"}, "")
	return ops
}

func TestHTML(t *testing.T) {
	ops := sample()
	r := checkers.Run(context.Background(), ops, checkers.Election(checkers.Options{})...)
	if r.Validity != checkers.Invalid {
		t.Fatalf("sample should be invalid, is %s", r.Validity)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	err := WriteHTML(path, Input{Title: `run "<script>x</script>"`, Results: r, Ops: ops, Plan: "name: <script>p</script>", Seed: 42, Command: "chaos run --config plan.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	html := string(b)
	for _, want := range []string{"INVALID", "fencing failed", `data-lane="n1"`, `data-lane="n2"`, `data-lane="observer"`, "seed 42", "chaos run --config plan.yaml"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(html, "data-fault="); n != 2 {
		t.Errorf("%d shaded faults, want 2", n)
	}
	if strings.Count(html, "data-anomaly=") < 2 {
		t.Error("anomalies are not outlined on the timeline")
	}
	// The page has exactly its own two scripts (the data and the code);
	// values with markup and quotes appear only escaped: as text in the
	// SVG titles and as JSON escapes in the data the script reads.
	if n := strings.Count(html, "<script"); n != 2 || strings.Contains(html, "<b>") || strings.Contains(html, "<script>alert") {
		t.Errorf("a value's HTML got into the page unescaped (%d script tags)", n)
	}
	for _, want := range []string{`run &#34;&lt;script&gt;x&lt;/script&gt;&#34;`, `name: &lt;script&gt;p&lt;/script&gt;`, `\\u003cscript\\u003ealert(\\\"x\\\")`} {
		if !strings.Contains(html, want) {
			t.Errorf("the value with markup is not in the page, escaped as %s", want)
		}
	}
	// The stale write's anomaly carries its ops for the click-through.
	data := pageJSON(t, html)
	var stale *anomalyData
	for i, a := range data.Anomalies {
		if a.Kind == "stale-write-accepted" {
			stale = &data.Anomalies[i]
		}
	}
	if stale == nil || len(stale.Ops) == 0 || stale.T1 <= stale.T0 {
		t.Fatalf("no stale-write anomaly with ops and a window in the page's data: %+v", data.Anomalies)
	}
	for _, idx := range stale.Ops {
		if o, ok := data.Ops[idx]; !ok || o.Process == "" {
			t.Errorf("op %d of the stale write is missing from the page's data", idx)
		}
	}
	if !strings.Contains(html, ">pause n1<") || !strings.Contains(html, ">partition halves<") {
		t.Error("faults are not labelled with their victims")
	}
	if strings.Contains(html, "src=\"http") || strings.Contains(html, "href=\"http") {
		t.Error("the report must not load anything from outside")
	}
}

// pageJSON extracts the data the report's script reads.
func pageJSON(t *testing.T, html string) pageData {
	t.Helper()
	const open = `<script type="application/json" id="report-data">`
	i := strings.Index(html, open)
	j := strings.Index(html[i+len(open):], "</script>")
	if i < 0 || j < 0 {
		t.Fatal("no report-data script in the page")
	}
	var d pageData
	if err := json.Unmarshal([]byte(html[i+len(open):i+len(open)+j]), &d); err != nil {
		t.Fatalf("report-data: %v", err)
	}
	return d
}

func TestHTMLAggregatesDenseWrites(t *testing.T) {
	var ops []history.Op
	add := func(ms int64, typ history.Type, f string, v any) {
		ops = append(ops, history.Op{Index: int64(len(ops)), Time: time.Duration(ms) * time.Millisecond, Process: "n1", Node: "n1", Type: typ, F: f, Value: history.MustValue(v)})
	}
	add(0, history.Invoke, "campaign", map[string]any{})
	add(1, history.OK, "campaign", map[string]any{"token": 1})
	for i := int64(0); i < 100000; i++ {
		add(2+i, history.Invoke, "write", map[string]any{"token": 1, "seq": i})
		add(2+i, history.OK, "write", map[string]any{"token": 1, "seq": i})
	}
	r := checkers.Run(context.Background(), ops, checkers.Election(checkers.Options{AllowNoFaults: true})...)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := WriteHTML(path, Input{Title: "dense", Results: r, Ops: ops}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Size() > 2<<20 {
		t.Fatalf("report of 100,000 writes is %d bytes", st.Size())
	}
}

func TestJUnitAndResults(t *testing.T) {
	ops := sample()
	r := checkers.Run(context.Background(), ops, checkers.Election(checkers.Options{})...)
	dir := t.TempDir()
	if err := WriteJUnit(filepath.Join(dir, "junit.xml"), "etcd-default", r); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "junit.xml"))
	var js junitSuites
	if err := xml.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	s := js.Suites[0]
	if s.Tests != len(r.Results) || s.Failures != 2 {
		t.Fatalf("junit: %d tests %d failures", s.Tests, s.Failures)
	}
	for _, c := range s.Cases {
		if c.Name == "stale-writes" && (c.Failure == nil || !strings.Contains(c.Failure.Text, "the resource accepted it")) {
			t.Fatalf("stale-writes case: %+v", c)
		}
	}
	var rf ResultsFile
	rf.History, rf.Seed = "history.jsonl", 7
	rf.Fill(r)
	p := filepath.Join(dir, "results.json")
	if err := WriteResults(p, rf); err != nil {
		t.Fatal(err)
	}
	got, err := ReadResults(p)
	if err != nil || got.ExitCode != 1 || got.Validity != checkers.Invalid || !reflect.DeepEqual(got.Checkers[0].Checker, rf.Checkers[0].Checker) {
		t.Fatalf("round trip: %v %+v", err, got)
	}
}

// A register run's report: register ops in lanes of their own, the
// not-linearizable explanation, and a link to porcupine's visualization.
func TestHTMLRegister(t *testing.T) {
	var ops []history.Op
	add := func(ms int, p string, typ history.Type, f string, v any) {
		node, _, _ := strings.Cut(p, "/")
		if p == history.Nemesis {
			node = "n2"
		}
		ops = append(ops, history.Op{Index: int64(len(ops)), Time: time.Duration(ms) * time.Millisecond,
			Process: p, Node: node, Type: typ, F: f, Value: history.MustValue(v)})
	}
	add(0, history.Nemesis, history.Info, "fault-start", map[string]any{"fault": "partition", "shape": "isolate-leader", "groups": [][]string{{"n1", "n3"}, {"n2"}}})
	add(10, "n1/r1", history.Invoke, "write", map[string]any{"key": "k0", "value": 1})
	add(20, "n1/r1", history.OK, "write", map[string]any{"key": "k0", "value": 1})
	add(30, "n2/r1", history.Invoke, "read", map[string]any{"key": "k0"})
	add(40, "n2/r1", history.OK, "read", map[string]any{"key": "k0", "value": nil})
	add(50, history.Nemesis, history.Info, "fault-heal", map[string]any{"fault": "partition"})
	dir := t.TempDir()
	r := checkers.Run(context.Background(), ops, checkers.Suite(checkers.Options{MinOps: 1, Dir: dir}, checkers.DetectWorkloads(ops))...)
	if r.Validity != checkers.Invalid {
		t.Fatalf("a read of null after a completed write: %s %+v", r.Validity, r.Results)
	}
	path := filepath.Join(dir, "report.html")
	if err := WriteHTML(path, Input{Title: "register", Results: r, Ops: ops}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	html := string(b)
	for _, want := range []string{`data-lane="n1 register"`, `data-lane="n2 register"`, `href="linearizability.html"`, "served a stale value", "n2/r1 read ok"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, unwanted := range []string{`data-lane="n1"`, `data-lane="observer"`} {
		if strings.Contains(html, unwanted) {
			t.Errorf("report has %s, in a run without candidates or observer", unwanted)
		}
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("report mode %v, %v: want 0644, readable by a web server", st.Mode(), err)
	}
}

func TestFaultLabelsOfLinkFaults(t *testing.T) {
	for value, want := range map[string]string{
		`{"fault":"client-delay","victim":"leader","nodes":["n2"],"delay":"150ms","jitter":"50ms"}`:                                                    "client-delay n2 delay 150ms jitter 50ms",
		`{"fault":"client-loss","victim":"random","nodes":["n3"],"loss":0.3}`:                                                                          "client-loss n3 30% loss",
		`{"fault":"client-partition","victim":"leader","nodes":["n1"]}`:                                                                                "client-partition n1",
		`{"fault":"link-delay","shape":"isolate-leader","groups":[["n2"],["n1","n3"]],"delay":"300ms","jitter":"100ms","method":"proxy","took":"4ms"}`: "link-delay isolate-leader n2 | n1 n3 delay 300ms jitter 100ms by proxy",
		`{"fault":"link-loss","victim":"n1","nodes":["n1"],"loss":0.3,"direction":"one-way","method":"nftables"}`:                                      "link-loss n1 30% loss one-way by nftables",
		`{"fault":"link-rate","victim":"leader","nodes":["n2"],"bandwidth":"256kbit","method":"htb"}`:                                                  "link-rate n2 256kbit by htb",
		`{"fault":"flaky","victim":"leader","nodes":["n3"],"period":"500ms"}`:                                                                          "flaky n3 every 500ms",
		`{"fault":"partition","shape":"isolate-leader","groups":[["n2"],["n1","n3"]],"direction":"one-way"}`:                                           "partition isolate-leader n2 | n1 n3 one-way",
	} {
		if got := faultLabel(history.Op{F: history.FFaultStart, Value: []byte(value)}); got != want {
			t.Errorf("%s: %q, want %q", value, got, want)
		}
	}
}

// A client fault is labelled with the client process it hit: the frozen
// one, the crashed one.
func TestFaultLabelsOfClientFaults(t *testing.T) {
	for value, want := range map[string]string{
		`{"fault":"client-pause","victim":"leader","node":"n2","nodes":["n2"],"process":"n2","for":"6s"}`: "client-pause n2 for 6s",
		`{"fault":"client-kill","victim":"leader","node":"n1","nodes":["n1"],"process":"n1#2"}`:           "client-kill n1#2",
		`{"fault":"client-kill","node":"n1","process":"n1#2"}`:                                            "client-kill n1#2",
	} {
		if got := faultLabel(history.Op{F: history.FFaultStart, Value: []byte(value)}); got != want {
			t.Errorf("%s: %q, want %q", value, got, want)
		}
	}
}

// The liveness section names the faults the leader survived and says when
// a partition left no side a majority.
func TestLivenessSurvivedAndNoMajority(t *testing.T) {
	lines := []string{
		`{"index":0,"time":0,"process":"n1","node":"n1","type":"invoke","f":"campaign","value":{}}`,
		`{"index":1,"time":1000000000,"process":"n1","node":"n1","type":"ok","f":"campaign","value":{"token":5}}`,
		`{"index":2,"time":2000000000,"process":"nemesis","node":"n1","type":"info","f":"fault-start","value":{"fault":"pause","nodes":["n1"]}}`,
		`{"index":3,"time":3000000000,"process":"n1","node":"n1","type":"invoke","f":"write","value":{"token":5,"seq":1}}`,
		`{"index":4,"time":3000100000,"process":"n1","node":"n1","type":"ok","f":"write","value":{"token":5,"seq":1}}`,
		`{"index":5,"time":5000000000,"process":"nemesis","node":"n1","type":"info","f":"fault-heal","value":{"fault":"pause","nodes":["n1"]}}`,
		`{"index":6,"time":5500000000,"process":"n1","node":"n1","type":"invoke","f":"write","value":{"token":5,"seq":2}}`,
		`{"index":7,"time":5500100000,"process":"n1","node":"n1","type":"ok","f":"write","value":{"token":5,"seq":2}}`,
		`{"index":8,"time":8000000000,"process":"nemesis","type":"info","f":"fault-start","value":{"fault":"partition","groups":[["n1","n2"],["n3","n4"]]}}`,
		`{"index":9,"time":9000000000,"process":"n1","node":"n1","type":"info","f":"lost","value":{"token":5}}`,
	}
	ops, _, err := history.Read(strings.NewReader(strings.Join(lines, "\n")+"\n"), "h.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var live checkers.Result
	for _, res := range checkers.Run(context.Background(), ops, checkers.Election(checkers.Options{})...).Results {
		if res.Checker == "liveness" {
			live = res
		}
	}
	text := strings.Join(buildLiveness(live).Sentences, " ")
	for _, want := range []string{
		"The leader survived 1 fault that hit it, leading through each until its heal: pause at 2.00 s (op 2, held 3.00 s) by n1 with token 5.",
		"1 partition left no side a majority (an even split)",
		"1 fault removed the leader",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("liveness section lacks %q:\n%s", want, text)
		}
	}
}

// An early lease takeover (the checkers' edge history: n2, its clock 4 s
// ahead, takes the lease 2.4 s before n1's stamped expiry) is in the
// report three times: a liveness sentence naming both holders, a note in
// the anomalies table, and a band on the timeline over the 2.4 s, on the
// lanes where both holders' bars show.
func TestReportEarlyTakeover(t *testing.T) {
	ops, _, err := history.ReadFile(filepath.Join("..", "checkers", "testdata", "edge-early-takeover.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	r := checkers.Run(context.Background(), ops, checkers.Election(checkers.Options{})...)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := WriteHTML(path, Input{Title: "early", Results: r, Ops: ops}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		"1 campaign took the lease over before the expiry its holder had stamped on it (up to 2.40 s early): n2 from n1 at 1.20 s (op 6), 2.40 s early.",
		`<td>liveness</td><td>early-takeover</td><td>n2 took the lease over from n1 at 1.20 s, 2.40 s before the expiry n1 had stamped on it`,
		`class="anom-note" data-t0="1.200" data-t1="3.600"`,
		`<g data-lane="n1">`, `<g data-lane="n2">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
