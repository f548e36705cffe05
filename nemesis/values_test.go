package nemesis

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// valueCase is one fault run once on a fake cluster: its start (or
// fault-error) and its heal are what it records.
type valueCase struct {
	name       string
	nodes      int
	leader     string // "" for no leader
	spec       FaultSpec
	links      bool // the run has client-side proxies
	noClients  bool
	failCut    bool
	failFreeze bool
}

var valueCases = []valueCase{
	{name: "partition-halves-3", nodes: 3, leader: "n2", spec: FaultSpec{Kind: "partition", Shape: "halves"}},
	{name: "partition-halves-5", nodes: 5, leader: "n2", spec: FaultSpec{Kind: "partition", Shape: "halves"}},
	{name: "partition-isolate-leader", nodes: 3, leader: "n2", spec: FaultSpec{Kind: "partition", Shape: "isolate-leader"}},
	{name: "partition-isolate-leader-fallback", nodes: 3, spec: FaultSpec{Kind: "partition", Shape: "isolate-leader"}},
	{name: "partition-majority-ring-5", nodes: 5, leader: "n2", spec: FaultSpec{Kind: "partition", Shape: "majority-ring"}},
	{name: "partition-bridge-5", nodes: 5, leader: "n2", spec: FaultSpec{Kind: "partition", Shape: "bridge"}},
	{name: "partition-random-5", nodes: 5, leader: "n2", spec: FaultSpec{Kind: "partition", Shape: "random"}},
	{name: "partition-cut-fails", nodes: 3, leader: "n2", failCut: true, spec: FaultSpec{Kind: "partition", Shape: "isolate-leader"}},
	{name: "pause-leader", nodes: 3, leader: "n2", spec: FaultSpec{Kind: "pause", Victim: "leader"}},
	{name: "pause-leader-fallback", nodes: 3, spec: FaultSpec{Kind: "pause", Victim: "leader"}},
	{name: "pause-minority-5", nodes: 5, leader: "n2", spec: FaultSpec{Kind: "pause", Victim: "minority"}},
	{name: "kill-majority", nodes: 3, leader: "n2", spec: FaultSpec{Kind: "kill", Victim: "majority"}},
	{name: "kill-n3", nodes: 3, leader: "n2", spec: FaultSpec{Kind: "kill", Victim: "n3"}},
	{name: "kill-random", nodes: 3, leader: "n2", spec: FaultSpec{Kind: "kill", Victim: "random"}},
	{name: "client-pause-leader", nodes: 3, leader: "n2", spec: FaultSpec{Kind: "client-pause", Victim: "leader"}},
	{name: "client-pause-fallback", nodes: 3, spec: FaultSpec{Kind: "client-pause", Victim: "leader"}},
	{name: "client-pause-no-clients", nodes: 3, noClients: true, spec: FaultSpec{Kind: "client-pause", Victim: "n1"}},
	{name: "client-pause-freeze-fails", nodes: 3, leader: "n2", failFreeze: true, spec: FaultSpec{Kind: "client-pause", Victim: "leader"}},
	{name: "client-partition-leader", nodes: 3, leader: "n2", links: true, spec: FaultSpec{Kind: "client-partition", Victim: "leader"}},
	{name: "client-partition-no-links", nodes: 3, leader: "n2", spec: FaultSpec{Kind: "client-partition", Victim: "leader"}},
	{name: "client-delay-jitter", nodes: 3, leader: "n2", links: true,
		spec: FaultSpec{Kind: "client-delay", Victim: "n3", Delay: 150 * time.Millisecond, Jitter: 20 * time.Millisecond}},
	{name: "client-delay", nodes: 3, leader: "n2", links: true, spec: FaultSpec{Kind: "client-delay", Victim: "random", Delay: time.Second}},
	{name: "client-loss-majority", nodes: 5, leader: "n2", links: true, spec: FaultSpec{Kind: "client-loss", Victim: "majority", Loss: 0.3}},
	{name: "client-loss-fallback", nodes: 3, links: true, spec: FaultSpec{Kind: "client-loss", Victim: "leader", Loss: 1}},
}

// goldenLine is what one recorded nemesis op says on disk, without its
// error text (which is free and says more than before).
type goldenLine struct {
	Case  string          `json:"case"`
	F     string          `json:"f"`
	Node  string          `json:"node,omitempty"`
	Value json.RawMessage `json:"value"`
}

// run runs c's fault once: started, then healed when Run is cancelled.
func (c valueCase) run(t *testing.T) []history.Op {
	t.Helper()
	f := newFake(c.nodes)
	f.leader, f.failCut, f.failFreeze = c.leader, c.failCut, c.failFreeze
	env := f.env()
	if c.links {
		env.Links = &fakeLinks{}
	}
	if c.noClients {
		env.Clients = nil
	}
	spec := c.spec
	spec.Duration = 20 * time.Millisecond
	n, err := New(Spec{Faults: []FaultSpec{spec}}, env, rng(11))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.env.Rec = cancelOnRecord{f, cancel}
	_ = n.Run(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ops
}

func goldenLines(t *testing.T) []goldenLine {
	var out []goldenLine
	for _, c := range valueCases {
		for _, op := range c.run(t) {
			out = append(out, goldenLine{Case: c.name, F: op.F, Node: op.Node, Value: op.Value})
		}
	}
	return out
}

// emptied are the lines on which the old nemesis wrote keys with nothing
// in them, which the typed value leaves out: a client pause that failed
// before it froze a client (no clients, a failed freeze) wrote "node": ""
// and "process": "". A reader takes an empty process for none, as it takes
// an absent one.
var emptied = map[string]bool{
	"client-pause-no-clients fault-heal":    true,
	"client-pause-freeze-fails fault-error": true,
	"client-pause-freeze-fails fault-heal":  true,
}

// TestValuesMatchV1 records every fault kind, its shapes and victims, and
// its failures, and compares each op's f, node and value byte for byte
// with testdata/values-v1.jsonl, which the nemesis recorded (this very
// test, run on commit 211a855) when it still built each value as a
// map[string]any. Only the lines of emptied differ, and only by the empty
// keys they lose.
func TestValuesMatchV1(t *testing.T) {
	got := goldenLines(t)
	b, err := os.ReadFile("testdata/values-v1.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var want []goldenLine
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var g goldenLine
		if err := json.Unmarshal([]byte(l), &g); err != nil {
			t.Fatal(err)
		}
		want = append(want, g)
	}
	if len(got) != len(want) {
		t.Fatalf("%d ops recorded, the golden file has %d", len(got), len(want))
	}
	differ := 0
	for i := range got {
		g, w := got[i], want[i]
		wv := string(w.Value)
		if emptied[w.Case+" "+w.F] {
			wv, differ = withoutEmpty(t, w.Value), differ+1
		}
		gv := string(g.Value)
		if took := withoutTook(t, g.Value); took != gv {
			// took (how long the change took) came after v1: compare the
			// rest, both sides encoded alike.
			gv, wv = took, withoutTook(t, json.RawMessage(wv))
		}
		if g.Case != w.Case || g.F != w.F || g.Node != w.Node || gv != wv {
			t.Errorf("%s:\n got %s %q %s\nwant %s %q %s", w.Case, g.F, g.Node, g.Value, w.F, w.Node, wv)
		}
	}
	if differ != len(emptied) {
		t.Errorf("%d lines lose empty keys, want %d: the golden file changed", differ, len(emptied))
	}
}

// withoutTook is v without its key "took", encoded as a map (sorted
// keys), or v as it is when it has none.
func withoutTook(t *testing.T, v json.RawMessage) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(v, &m); err != nil || m == nil {
		return string(v)
	}
	if _, ok := m["took"]; !ok {
		return string(v)
	}
	delete(m, "took")
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withoutEmpty is v without its keys whose value is "" or null, as the
// map encoding (sorted keys) writes it.
func withoutEmpty(t *testing.T, v json.RawMessage) string {
	var m map[string]any
	if err := json.Unmarshal(v, &m); err != nil {
		t.Fatal(err)
	}
	n := len(m)
	for k, x := range m {
		if x == nil || x == "" {
			delete(m, k)
		}
	}
	if len(m) == n {
		t.Fatalf("%s has no empty key", v)
	}
	return string(history.MustValue(m))
}

// cancelOnRecord cancels the run as soon as the first op is recorded, so
// that a fault runs once, whether its start succeeds or fails.
type cancelOnRecord struct {
	*fake
	cancel context.CancelFunc
}

func (r cancelOnRecord) Record(op history.Op) history.Op {
	defer r.cancel()
	return r.fake.Record(op)
}
