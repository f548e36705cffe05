package checkers

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// reg builds register histories by hand: each call adds an invoke or a
// completion at the given time (in ms).
type reg struct{ ops []history.Op }

func (r *reg) add(ms int, proc string, t history.Type, f, value string) *reg {
	r.ops = append(r.ops, history.Op{Index: int64(len(r.ops)), Time: time.Duration(ms) * time.Millisecond,
		Process: proc, Type: t, F: f, Value: []byte(value)})
	return r
}

func linearizable(t *testing.T, ops []history.Op, dir string) Result {
	t.Helper()
	l := &Linearizable{Timeout: 10 * time.Second, Dir: dir}
	return l.Check(context.Background(), ops)
}

func TestLinearizablePlantedAnomalies(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    *reg
		want Validity
	}{
		{"stale read: a read after a completed write sees the old value", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":1}`).
			add(10, "c1", history.OK, "write", `{"key":"k","value":1}`).
			add(20, "c1", history.Invoke, "write", `{"key":"k","value":2}`).
			add(30, "c1", history.OK, "write", `{"key":"k","value":2}`).
			add(40, "c2", history.Invoke, "read", `{"key":"k"}`).
			add(50, "c2", history.OK, "read", `{"key":"k","value":1}`), Invalid},
		{"lost write: an acknowledged write never seen", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":7}`).
			add(10, "c1", history.OK, "write", `{"key":"k","value":7}`).
			add(20, "c2", history.Invoke, "read", `{"key":"k"}`).
			add(30, "c2", history.OK, "read", `{"key":"k","value":null}`), Invalid},
		{"cas seen twice: two cas from the same value both succeed", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":0}`).
			add(10, "c1", history.OK, "write", `{"key":"k","value":0}`).
			add(20, "c1", history.Invoke, "cas", `{"key":"k","from":0,"to":1}`).
			add(30, "c1", history.OK, "cas", `{"key":"k","from":0,"to":1}`).
			add(40, "c2", history.Invoke, "cas", `{"key":"k","from":0,"to":2}`).
			add(50, "c2", history.OK, "cas", `{"key":"k","from":0,"to":2}`), Invalid},
		{"a failed cas whose value was there", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":3}`).
			add(10, "c1", history.OK, "write", `{"key":"k","value":3}`).
			add(20, "c2", history.Invoke, "cas", `{"key":"k","from":3,"to":4}`).
			add(30, "c2", history.Fail, "cas", `{"key":"k","from":3,"to":4}`), Invalid},
		{"concurrent write and read: either value is fine", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":1}`).
			add(1, "c2", history.Invoke, "read", `{"key":"k"}`).
			add(5, "c2", history.OK, "read", `{"key":"k","value":null}`).
			add(10, "c1", history.OK, "write", `{"key":"k","value":1}`), Valid},
		{"an unknown write may show up later", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":9}`).
			add(10, "c1", history.Info, "write", `{"key":"k","value":9}`).
			add(500, "c2", history.Invoke, "read", `{"key":"k"}`).
			add(510, "c2", history.OK, "read", `{"key":"k","value":9}`), Valid},
		{"an unknown write may never show up", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":9}`).
			add(10, "c1", history.Info, "write", `{"key":"k","value":9}`).
			add(500, "c2", history.Invoke, "read", `{"key":"k"}`).
			add(510, "c2", history.OK, "read", `{"key":"k","value":null}`), Valid},
		{"a failed write did not happen", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":5}`).
			add(10, "c1", history.Fail, "write", `{"key":"k","value":5}`).
			add(20, "c2", history.Invoke, "read", `{"key":"k"}`).
			add(30, "c2", history.OK, "read", `{"key":"k","value":5}`), Invalid},
		{"keys are independent", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"a","value":1}`).
			add(10, "c1", history.OK, "write", `{"key":"a","value":1}`).
			add(20, "c2", history.Invoke, "read", `{"key":"b"}`).
			add(30, "c2", history.OK, "read", `{"key":"b","value":null}`), Valid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			res := linearizable(t, tc.h.ops, dir)
			if res.Validity != tc.want {
				t.Fatalf("%s, want %s: %s %+v", res.Validity, tc.want, res.Summary, res.Anomalies)
			}
			if tc.want != Invalid {
				return
			}
			a := res.Anomalies[0]
			if a.Kind != "not-linearizable" || !a.Fatal || !strings.HasPrefix(a.Message, "key k: ") || len(a.Ops) == 0 {
				t.Errorf("anomaly %+v", a)
			}
			if len(res.Files) != 1 {
				t.Fatalf("files %v", res.Files)
			}
			if b, err := os.ReadFile(filepath.Join(dir, res.Files[0])); err != nil || !strings.Contains(string(b), "<html") {
				t.Errorf("visualization: %v", err)
			}
			t.Log(a.Message)
		})
	}
}

// genRegister simulates procs clients of a linearizable register over
// keys keys: each op takes effect at one instant inside its interval,
// against the true state, so the history is linearizable by construction.
// Each process has one op outstanding at a time.
func genRegister(r *rand.Rand, keys, procs, ops int) []history.Op {
	type call struct {
		proc, f, key          string
		in, out               string
		typ                   history.Type
		invoke, effect, reply time.Duration
		v, from               int
	}
	calls := make([]*call, ops)
	busy := make([]time.Duration, procs)
	clock := time.Duration(0)
	for i := range calls {
		p := r.IntN(procs)
		c := &call{proc: fmt.Sprintf("c%d", p), key: fmt.Sprintf("k%d", r.IntN(keys)), typ: history.OK}
		c.invoke = max(clock, busy[p]) + time.Duration(1+r.IntN(500))*time.Microsecond
		c.effect = c.invoke + time.Duration(r.IntN(3000))*time.Microsecond
		c.reply = c.effect + time.Duration(r.IntN(3000))*time.Microsecond
		busy[p], clock = c.reply, c.invoke
		switch r.IntN(3) {
		case 0:
			c.f = history.FRead
		case 1:
			c.f, c.v = history.FWrite, r.IntN(5)
		default:
			c.f, c.from, c.v = history.FCas, r.IntN(5), r.IntN(5)
		}
		calls[i] = c
	}
	byEffect := slices.Clone(calls)
	sort.Slice(byEffect, func(a, b int) bool { return byEffect[a].effect < byEffect[b].effect })
	state := map[string]int{}
	for _, c := range byEffect {
		v, ok := state[c.key]
		switch c.f {
		case history.FRead:
			c.in = fmt.Sprintf(`{"key":%q}`, c.key)
			c.out = fmt.Sprintf(`{"key":%q,"value":null}`, c.key)
			if ok {
				c.out = fmt.Sprintf(`{"key":%q,"value":%d}`, c.key, v)
			}
		case history.FWrite:
			state[c.key] = c.v
			c.in = fmt.Sprintf(`{"key":%q,"value":%d}`, c.key, c.v)
			c.out = c.in
		case history.FCas:
			c.in = fmt.Sprintf(`{"key":%q,"from":%d,"to":%d}`, c.key, c.from, c.v)
			c.out = c.in
			if ok && v == c.from {
				state[c.key] = c.v
			} else {
				c.typ = history.Fail
			}
		}
	}
	type event struct {
		t  time.Duration
		op history.Op
	}
	evs := make([]event, 0, 2*ops)
	for _, c := range calls {
		evs = append(evs,
			event{c.invoke, history.Op{Process: c.proc, Type: history.Invoke, F: c.f, Value: []byte(c.in)}},
			event{c.reply, history.Op{Process: c.proc, Type: c.typ, F: c.f, Value: []byte(c.out)}})
	}
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].t < evs[b].t })
	h := make([]history.Op, len(evs))
	for i, e := range evs {
		e.op.Index, e.op.Time = int64(i), e.t
		h[i] = e.op
	}
	return h
}

// Clean generated histories pass; the same histories with one read
// changed to a value never written fail, at that key.
func TestLinearizableGenerated(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 1))
		h := genRegister(r, 1+r.IntN(4), 2+r.IntN(6), 20+r.IntN(200))
		if res := linearizable(t, h, ""); res.Validity != Valid {
			t.Fatalf("seed %d: clean history %s: %s %+v", seed, res.Validity, res.Summary, res.Anomalies)
		}
		for i := len(h) - 1; i >= 0; i-- {
			if h[i].F == history.FRead && h[i].Type == history.OK {
				key := strings.Split(string(h[i].Value), `"`)[3]
				h[i].Value = []byte(fmt.Sprintf(`{"key":%q,"value":42}`, key))
				res := linearizable(t, h, "")
				if res.Validity != Invalid || !strings.HasPrefix(res.Anomalies[0].Message, "key "+key+":") {
					t.Fatalf("seed %d: planted read of 42 on %s: %s %+v", seed, key, res.Validity, res.Anomalies)
				}
				break
			}
		}
	}
}

// A search cut short says unknown, never valid or invalid.
func TestLinearizableTimeoutIsUnknown(t *testing.T) {
	h := genRegister(rand.New(rand.NewPCG(7, 7)), 1, 8, 400)
	l := &Linearizable{Timeout: time.Nanosecond}
	res := l.Check(context.Background(), h)
	if res.Validity != Unknown || !strings.Contains(res.Summary, "ran out of time") {
		t.Fatalf("%s: %s", res.Validity, res.Summary)
	}
}

// BenchmarkLinearizable100k checks a 100,000-op register history over 100
// keys (the target: at most 10 s), and shows how the time grows
// with length and concurrency.
func BenchmarkLinearizable(b *testing.B) {
	for _, c := range []struct{ ops, keys, procs int }{
		{25_000, 100, 10}, {50_000, 100, 10}, {100_000, 100, 10}, {100_000, 100, 30}, {100_000, 100, 60},
		// Fewer keys: more of the concurrent ops fall on one key.
		{100_000, 10, 10}, {100_000, 10, 30}, {100_000, 10, 60},
	} {
		h := genRegister(rand.New(rand.NewPCG(1, 2)), c.keys, c.procs, c.ops)
		b.Run(fmt.Sprintf("ops=%d/keys=%d/procs=%d", c.ops, c.keys, c.procs), func(b *testing.B) {
			for b.Loop() {
				res := (&Linearizable{}).Check(context.Background(), h)
				if res.Validity != Valid {
					b.Fatalf("%s: %s", res.Validity, res.Summary)
				}
			}
		})
	}
}

// The anomaly's window covers the ops that decide it, not an unknown
// write invoked long before and never completed.
func TestLinearizableWindowSkipsOpenEndedOps(t *testing.T) {
	h := new(reg).
		add(0, "c3", history.Invoke, "write", `{"key":"k","value":9}`).
		add(5, "c3", history.Info, "write", `{"key":"k","value":9}`).
		add(5000, "c1", history.Invoke, "write", `{"key":"k","value":1}`).
		add(5010, "c1", history.OK, "write", `{"key":"k","value":1}`).
		add(5020, "c2", history.Invoke, "read", `{"key":"k"}`).
		add(5030, "c2", history.OK, "read", `{"key":"k","value":null}`)
	res := linearizable(t, h.ops, "")
	if res.Validity != Invalid {
		t.Fatalf("%s: %+v", res.Validity, res)
	}
	a := res.Anomalies[0]
	if a.Start < 5000*time.Millisecond || a.End != 5030*time.Millisecond {
		t.Fatalf("window %v–%v, want within 5 s–5.03 s: %+v", a.Start, a.End, a)
	}
}
