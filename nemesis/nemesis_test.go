package nemesis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// fake is a hand-written Cluster, Clients and Recorder that logs calls.
type fake struct {
	mu         sync.Mutex
	nodes      []string
	leader     string
	calls      []string
	times      []time.Time // of each call
	ops        []history.Op
	failCut    bool
	failFreeze bool
	fail       map[string]error // by call without its arguments' JSON: "pause n2", "mend"
	ctxErrs    []error          // ctx.Err() seen by heals
}

func newFake(n int) *fake {
	f := &fake{leader: "n2"}
	for i := 1; i <= n; i++ {
		f.nodes = append(f.nodes, fmt.Sprintf("n%d", i))
	}
	return f
}

// call logs the call s and returns the error f.fail has for key.
func (f *fake) call(s, key string, ctx context.Context, heal bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	f.times = append(f.times, time.Now())
	if heal {
		f.ctxErrs = append(f.ctxErrs, ctx.Err())
	}
	return f.fail[key]
}
func (f *fake) Names() []string { return f.nodes }
func (f *fake) Cut(ctx context.Context, g map[string][]string) error {
	b, _ := json.Marshal(g)
	err := f.call("cut "+string(b), "cut", ctx, false)
	if f.failCut {
		return errors.New("sidecar failed")
	}
	return err
}
func (f *fake) Mend(ctx context.Context) error { return f.call("mend", "mend", ctx, true) }
func (f *fake) Pause(ctx context.Context, n string) error {
	return f.call("pause "+n, "pause "+n, ctx, false)
}
func (f *fake) Unpause(ctx context.Context, n string) error {
	return f.call("unpause "+n, "unpause "+n, ctx, true)
}
func (f *fake) Kill(ctx context.Context, n string) error {
	return f.call("kill "+n, "kill "+n, ctx, false)
}
func (f *fake) Start(ctx context.Context, n string) error {
	return f.call("start "+n, "start "+n, ctx, true)
}
func (f *fake) Leader() (string, bool) { return f.leader, f.leader != "" }
func (f *fake) Freeze(ctx context.Context, n string, d time.Duration) (string, error) {
	f.call("freeze "+n+" "+d.String(), "freeze "+n, ctx, false)
	if f.failFreeze {
		return "", errors.New("workload stopped")
	}
	return n, nil
}
func (f *fake) Record(op history.Op) history.Op {
	f.mu.Lock()
	defer f.mu.Unlock()
	op.Index = int64(len(f.ops))
	f.ops = append(f.ops, op)
	return op
}
func (f *fake) Flush() error { return nil }

// cancelAfter calls cancel once n ops are recorded.
func (f *fake) cancelAfter(n int, cancel context.CancelFunc) {
	for {
		f.mu.Lock()
		k := len(f.ops)
		f.mu.Unlock()
		if k >= n {
			cancel()
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func (f *fake) env() Env { return Env{Cluster: f, Clients: f, Rec: f} }

func rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 3)) }

// sees returns the nodes each node still hears from under g.
func sees(nodes []string, g Grudge) map[string][]string {
	out := map[string][]string{}
	for _, n := range nodes {
		for _, m := range nodes {
			if !slices.Contains(g[n], m) {
				out[n] = append(out[n], m)
			}
		}
	}
	return out
}

func TestShapes(t *testing.T) {
	for _, n := range []int{3, 5, 7} {
		nodes := newFake(n).nodes
		// halves: a complete grudge between ⌊n/2⌋ and ⌈n/2⌉.
		hs := halves(rng(1), nodes)
		if len(hs[0]) != n/2 || len(hs[1]) != n-n/2 {
			t.Fatalf("halves of %d: %v", n, hs)
		}
		g := completeGrudge(hs)
		for _, a := range hs[0] {
			if !slices.Equal(g[a], sorted(hs[1])) {
				t.Fatalf("halves grudge %v for %v", g, hs)
			}
		}
		// majority ring: each node sees exactly a majority incl. itself.
		ring := majoritiesRing(rng(2), nodes)
		seen := map[string]bool{}
		for node, s := range sees(nodes, ring) {
			if len(s) != n/2+1 || !slices.Contains(s, node) {
				t.Fatalf("ring n=%d: %s sees %v", n, node, s)
			}
			seen[strings.Join(s, ",")] = true
		}
		if n >= 5 && len(seen) != n {
			t.Fatalf("ring n=%d: only %d distinct majorities", n, len(seen))
		}
		// bridge: the bridge sees everyone; the two sides not each other.
		bg, b := bridge(rng(3), nodes)
		s := sees(nodes, bg)
		if len(s[b]) != n {
			t.Fatalf("bridge %s sees %v", b, s[b])
		}
		for _, node := range nodes {
			if node != b && len(s[node]) == n {
				t.Fatalf("non-bridge %s sees everyone: %v", node, bg)
			}
		}
		// isolate: the leader sees only itself.
		iso := completeGrudge(isolate("n2", nodes))
		if got := sees(nodes, iso)["n2"]; !slices.Equal(got, []string{"n2"}) {
			t.Fatalf("isolated leader sees %v", got)
		}
	}
}

func TestRunRecordsStartAndHealInOrder(t *testing.T) {
	f := newFake(3)
	spec := Spec{Interval: time.Millisecond, Faults: []FaultSpec{
		{Kind: "partition", Shape: "isolate-leader", Duration: time.Millisecond},
		{Kind: "pause", Victim: "leader", Duration: time.Millisecond},
		{Kind: "kill", Victim: "minority", Duration: time.Millisecond},
		{Kind: "client-pause", Victim: "leader", Duration: 2 * time.Millisecond},
	}}
	n, err := New(spec, f.env(), rng(42))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go f.cancelAfter(12, cancel)
	if err := n.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if len(n.Active()) != 0 {
		t.Fatalf("active after Run: %v", n.Active())
	}
	for i := 0; i+1 < len(f.ops); i += 2 {
		start, heal := f.ops[i], f.ops[i+1]
		if start.F != history.FFaultStart || heal.F != history.FFaultHeal || start.Process != history.Nemesis || start.Type != history.Info {
			t.Fatalf("ops %d,%d: %+v %+v", i, i+1, start, heal)
		}
		var v map[string]any
		json.Unmarshal(start.Value, &v)
		switch v["fault"] {
		case "partition":
			if v["shape"] != "isolate-leader" || fmt.Sprint(v["groups"]) != "[[n2] [n1 n3]]" {
				t.Fatalf("partition value %v", v)
			}
		case "pause":
			if start.Node != "n2" {
				t.Fatalf("pause of the leader hit %q", start.Node)
			}
		case "client-pause":
			if v["process"] != "n2" || v["for"] != "2ms" {
				t.Fatalf("client pause value %v", v)
			}
		}
	}
	if len(f.ops)%2 != 0 {
		t.Fatalf("a start without its heal: %d ops", len(f.ops))
	}
}

func TestHealOutlivesCancel(t *testing.T) {
	f := newFake(3)
	spec := Spec{Faults: []FaultSpec{{Kind: "pause", Victim: "n3", Duration: time.Hour}}}
	n, _ := New(spec, f.env(), rng(1))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- n.Run(ctx) }()
	for len(n.Active()) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if !slices.Contains(f.calls, "unpause n3") || f.ctxErrs[0] != nil {
		t.Fatalf("heal after cancel: calls %v, heal ctx err %v", f.calls, f.ctxErrs)
	}
	if err := n.HealAll(context.Background()); err != nil || slices.Index(f.calls, "unpause n3") != len(f.calls)-1 {
		t.Fatalf("HealAll not idempotent: %v %v", err, f.calls)
	}
}

func TestFailedStartIsRecordedAndHealed(t *testing.T) {
	f := newFake(3)
	f.failCut = true
	n, _ := New(Spec{Faults: []FaultSpec{{Kind: "partition", Shape: "halves", Duration: time.Hour}}}, f.env(), rng(1))
	ctx, cancel := context.WithCancel(context.Background())
	go f.cancelAfter(2, cancel)
	err := n.Run(ctx)
	if err == nil || f.ops[0].F != history.FFaultError || f.ops[0].Err == "" || !slices.Contains(f.calls, "mend") {
		t.Fatalf("err %v ops %+v calls %v", err, f.ops, f.calls)
	}
}

func TestSameSeedSameSchedule(t *testing.T) {
	schedule := func(window time.Duration) []string {
		f := newFake(5)
		spec := Spec{Interval: 0, Faults: []FaultSpec{
			{Kind: "partition", Shape: "halves", Duration: time.Microsecond},
			{Kind: "partition", Shape: "random", Duration: time.Microsecond},
			{Kind: "pause", Victim: "minority", Duration: time.Microsecond},
			{Kind: "kill", Victim: "random", Duration: time.Microsecond},
		}}
		n, _ := New(spec, f.env(), rng(42))
		ctx, cancel := context.WithCancel(context.Background())
		if window > 0 {
			ctx, cancel = context.WithTimeout(context.Background(), window)
		}
		go func() {
			for {
				f.mu.Lock()
				k := len(f.calls)
				f.mu.Unlock()
				if k >= 40 {
					cancel()
					return
				}
				time.Sleep(100 * time.Microsecond)
			}
		}()
		n.Run(ctx)
		f.mu.Lock()
		defer f.mu.Unlock()
		return slices.Clone(f.calls[:40])
	}
	a, b := schedule(0), schedule(0)
	if !slices.Equal(a, b) {
		t.Fatalf("seed 42 gave two schedules:\n%v\n%v", a, b)
	}
	// A window in which every fault fits draws the same schedule.
	if c := schedule(time.Hour); !slices.Equal(a, c) {
		t.Fatalf("seed 42 in a window gave another schedule:\n%v\n%v", a, c)
	}
}

func TestValidateFault(t *testing.T) {
	tests := []struct {
		f     FaultSpec
		nodes int
		field string
	}{
		{FaultSpec{Kind: "partition", Shape: "halves", Duration: time.Second}, 3, ""},
		{FaultSpec{Kind: "pause", Victim: "n3", Duration: time.Second}, 3, ""},
		{FaultSpec{Kind: "client-pause", Victim: "leader", Duration: time.Second}, 3, ""},
		{FaultSpec{Kind: "explode", Duration: time.Second}, 3, "kind"},
		{FaultSpec{Kind: "partition", Shape: "triangle", Duration: time.Second}, 3, "shape"},
		{FaultSpec{Kind: "partition", Duration: time.Second}, 3, "shape"},
		{FaultSpec{Kind: "pause", Shape: "halves", Duration: time.Second}, 3, "shape"},
		{FaultSpec{Kind: "pause", Victim: "n4", Duration: time.Second}, 3, "victim"},
		{FaultSpec{Kind: "kill", Victim: "leader", Duration: 0}, 3, "duration"},
		{FaultSpec{Kind: "partition", Shape: "halves", Duration: time.Second}, 2, "kind"},
		{FaultSpec{Kind: "client-pause", Victim: "majority", Duration: time.Second}, 3, "victim"},
	}
	for _, tt := range tests {
		field, err := ValidateFault(tt.f, tt.nodes)
		if field != tt.field || (tt.field == "") != (err == nil) {
			t.Errorf("%+v: field %q err %v, want field %q", tt.f, field, err, tt.field)
		}
	}
}
