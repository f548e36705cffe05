package checkers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

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

// Values are compared as JSON values: the same value written another
// way is the same value, for reads and for cas.
func TestLinearizableComparesJSONValues(t *testing.T) {
	wr := func(written, read string) *reg {
		return new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":`+written+`}`).
			add(10, "c1", history.OK, "write", `{"key":"k","value":`+written+`}`).
			add(20, "c2", history.Invoke, "read", `{"key":"k"}`).
			add(30, "c2", history.OK, "read", `{"key":"k","value":`+read+`}`)
	}
	for _, tc := range []struct {
		name string
		h    *reg
		want Validity
	}{
		{"an object's keys in another order", wr(`{"a":1,"b":2}`, `{"b":2,"a":1}`), Valid},
		{"1.0 is 1", wr(`1`, `1.0`), Valid},
		{"1e0 is 1", wr(`1`, `1e0`), Valid},
		{"10e-1 is 1.0", wr(`1.0`, `10e-1`), Valid},
		{"-0 is 0", wr(`0`, `-0.0`), Valid},
		{"a big integer, exactly", wr(`123456789012345678901234567890`, `1.2345678901234567890123456789e29`), Valid},
		{"a big integer float64 cannot tell apart from another", wr(`9007199254740993`, `9007199254740992`), Invalid},
		{"a huge exponent", wr(`1e400`, `10e399`), Valid},
		{"an escaped string", wr(`"\u0041"`, `"A"`), Valid},
		{"an escaped non-ASCII string", wr(`"caf\u00e9 \ud83d\ude00"`, `"café 😀"`), Valid},
		{"nested, in any order and spelling", wr(`{"x":[{"b":1,"a":"\u00e9"}],"y":null}`, ` { "y" : null , "x" : [ { "a" : "é" , "b" : 1.00 } ] } `), Valid},
		{"arrays in order", wr(`[1,2]`, `[1.0,2e0]`), Valid},
		{"arrays out of order", wr(`[1,2]`, `[2,1]`), Invalid},
		{"a string is not a number", wr(`1`, `"1"`), Invalid},
		{"cas from and to as JSON values", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":{"a":1,"b":2}}`).
			add(10, "c1", history.OK, "write", `{"key":"k","value":{"a":1,"b":2}}`).
			add(20, "c1", history.Invoke, "cas", `{"key":"k","from":{"b":2,"a":1.0},"to":[1.0]}`).
			add(30, "c1", history.OK, "cas", `{"key":"k","from":{"b":2,"a":1.0},"to":[1.0]}`).
			add(40, "c2", history.Invoke, "read", `{"key":"k"}`).
			add(50, "c2", history.OK, "read", `{"key":"k","value":[1]}`), Valid},
		{"a failed cas from the value there, written another way", new(reg).
			add(0, "c1", history.Invoke, "write", `{"key":"k","value":1}`).
			add(10, "c1", history.OK, "write", `{"key":"k","value":1}`).
			add(20, "c2", history.Invoke, "cas", `{"key":"k","from":1.0,"to":2}`).
			add(30, "c2", history.Fail, "cas", `{"key":"k","from":1.0,"to":2}`), Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := linearizable(t, tc.h.ops, "")
			if res.Validity != tc.want {
				t.Fatalf("%s, want %s: %s %+v", res.Validity, tc.want, res.Summary, res.Anomalies)
			}
		})
	}
}

// A real stale read is still found when its value is spelled another
// way, at its ops, and the message shows the values as JSON.
func TestLinearizableStaleReadOfReorderedObject(t *testing.T) {
	h := new(reg).
		add(0, "c1", history.Invoke, "write", `{"key":"k","value":{"a":1,"b":"x"}}`).
		add(10, "c1", history.OK, "write", `{"key":"k","value":{"a":1,"b":"x"}}`).
		add(20, "c1", history.Invoke, "write", `{"key":"k","value":{"a":2,"b":"y"}}`).
		add(30, "c1", history.OK, "write", `{"key":"k","value":{"a":2,"b":"y"}}`).
		add(40, "c2", history.Invoke, "read", `{"key":"k"}`).
		add(50, "c2", history.OK, "read", `{"key":"k","value":{"b":"\u0078","a":1.0}}`)
	dir := t.TempDir()
	res := linearizable(t, h.ops, dir)
	if res.Validity != Invalid || len(res.Anomalies) != 1 {
		t.Fatalf("%s: %s %+v", res.Validity, res.Summary, res.Anomalies)
	}
	a := res.Anomalies[0]
	if !slices.Equal(a.Ops, []int64{4, 5}) {
		t.Errorf("ops %v, want the read's 4 and 5", a.Ops)
	}
	if want := `key k: c2: read {"a":1,"b":"x"} at 0.04 s cannot be linearized after the 2 ops before it`; !strings.HasPrefix(a.Message, want) {
		t.Errorf("message %q, want it to begin %q", a.Message, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, LinearizabilityFile))
	if err != nil || !strings.Contains(string(b), `write {\"a\":2,\"b\":\"y\"}`) {
		t.Errorf("visualization without the values as JSON: %v", err)
	}
}

// Equal values have one canonical form, and unequal ones different
// forms; the forms of the common scalars, made without decoding, are
// the ones decoding makes.
func TestCanonicalJSON(t *testing.T) {
	for _, group := range [][]string{
		{`null`, ``, ` null `},
		{`0`, `-0`, `0.0`, `0e10`, `-0.000e-5`},
		{`1`, `1.0`, `1e0`, `10e-1`, `0.1e1`, `1E+0`, `100e-2`},
		{`-1.5`, `-15e-1`, `-0.15e1`},
		{`100`, `1e2`, `1.00e2`},
		{`1e21`, `1000000000000000000000`},
		{`1e22`, `10000000000000000000000`, `10e21`},
		{`0.000001`, `1e-6`},
		{`1e-7`, `0.0000001`},
		{`1e-30`, `0.1e-29`},
		{`9007199254740993`, `9007199254740993.0`},
		{`9007199254740992`},
		{`123456789012345678901234567890`, `1.2345678901234567890123456789e29`},
		{`1e400`, `10e399`},
		{`1e99999999999999999999`, `0.1e100000000000000000000`},
		{`"A"`, `"\u0041"`},
		{`"a\"b\\c\n"`, `"a\u0022b\u005cc\u000a"`},
		{`"é"`, `"\u00e9"`, `"\u00E9"`},
		{`"<&>"`, `"\u003c\u0026\u003e"`},
		{`"1"`},
		{`true`},
		{`false`},
		{`[]`, ` [ ] `},
		{`[1,"a"]`, `[1.0, "\u0061"]`},
		{`[2,1]`},
		{`{}`, `{ }`},
		{`{"a":1,"b":[true,null]}`, `{"b":[true,null],"a":1e0}`, `{"b":[true,null],"a":0,"a":1}`},
		{`{"a":{"c":1,"d":2}}`, `{"a":{"d":2,"c":1}}`},
	} {
		want, err := canonicalJSON([]byte(group[0]))
		if err != nil {
			t.Fatalf("%s: %v", group[0], err)
		}
		for _, v := range group {
			got, err := canonicalJSON([]byte(v))
			if err != nil || got != want {
				t.Errorf("%s: %q %v, want %q like %s", v, got, err, want, group[0])
			}
			if slow := slowCanonical(t, v); slow != got {
				t.Errorf("%s: %q, but decoded %q", v, got, slow)
			}
		}
		t.Logf("%s", want)
	}
	forms := map[string]string{}
	for _, v := range []string{`0`, `1`, `-1`, `10`, `0.1`, `1e21`, `1e22`, `1e-6`, `1e-7`, `1.5`, `15`, `"1"`, `"1.0"`, `null`, `"null"`, `[1]`, `{"a":1}`, `{"a":"1"}`, `9007199254740992`, `9007199254740993`} {
		c, err := canonicalJSON([]byte(v))
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if other, ok := forms[c]; ok {
			t.Errorf("%s and %s have one form %q", v, other, c)
		}
		forms[c] = v
	}
	for _, bad := range []string{`{`, `[1,]`, `1 2`, `01`, `1.`, `.5`, `-`, `"abc`, `"`, `nul`, `1e`, `{"a":}`, `0x10`} {
		if c, err := canonicalJSON([]byte(bad)); err == nil {
			t.Errorf("%s: %q, want an error", bad, c)
		}
	}
}

// slowCanonical is the canonical form of v made by decoding it.
func slowCanonical(t *testing.T, v string) string {
	t.Helper()
	raw := bytes.TrimSpace([]byte(v))
	if len(raw) == 0 {
		return "null"
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		t.Fatalf("%s: %v", v, err)
	}
	var b strings.Builder
	if err := writeCanonical(&b, x); err != nil {
		t.Fatalf("%s: %v", v, err)
	}
	return b.String()
}

// Numbers' forms agree with their exact values.
func FuzzCanonicalNumber(f *testing.F) {
	for _, s := range []string{"0", "1", "-1.5", "1e3", "1000", "0.001", "1e-3", "12.340e-2", "9007199254740993"} {
		f.Add(s, "1")
	}
	// modest is a JSON number whose exact value big.Rat holds quickly.
	modest := func(s string) (*big.Rat, bool) {
		if len(s) > 40 || !json.Valid([]byte(s)) || strings.ContainsAny(s, " \t\n\r\"[{tfn") {
			return nil, false
		}
		if i := strings.IndexAny(s, "eE"); i >= 0 && len(strings.TrimLeft(s[i+1:], "+-")) > 3 {
			return nil, false
		}
		return new(big.Rat).SetString(s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ra, oka := modest(a)
		rb, okb := modest(b)
		if !oka || !okb {
			return
		}
		ca, erra := canonicalJSON([]byte(a))
		cb, errb := canonicalJSON([]byte(b))
		if erra != nil || errb != nil {
			t.Fatalf("%s: %v; %s: %v", a, erra, b, errb)
		}
		if (ca == cb) != (ra.Cmp(rb) == 0) {
			t.Fatalf("%s → %s, %s → %s, but they are equal: %v", a, ca, b, cb, ra.Cmp(rb) == 0)
		}
		if again, err := canonicalJSON([]byte(ca)); err != nil || again != ca {
			t.Fatalf("%s → %s → %s %v", a, ca, again, err)
		}
	})
}

// The register fields scanned without encoding/json are the ones
// Op.Fields decodes; what the scan declines, Op.Fields decides.
func TestRegisterFieldsAgreeWithOpFields(t *testing.T) {
	for _, v := range []string{
		``, `null`, `"x"`, `[1]`, `{}`, ` {}`, `{ }`,
		`{"key":"k"}`, `{"key":"k","value":1}`, `{"value":1,"key":"k"}`, ` { "key" : "k" , "value" : [1, {"a":"}"}] } `,
		`{"key":"k","from":{"a":1},"to":"x\"y"}`, `{"key":"k","key":"j"}`, `{"key":"k","value":1,"value":2}`,
		`{"Key":"k"}`, `{"key":"k","token":1}`, `{"key":"k","token":"bad"}`, `{"key":"k\u0041"}`, `{"key":null}`,
		`{"key":"k",}`, `{"key":"k"}x`, `{"key":"k","value":[1,}`, `{"key":"k","value":1 2}`, `{"key":"k"`, `{"key":1}`,
		`{"key":"é"}`, `{"value":1}`,
	} {
		op := history.Op{Value: []byte(v)}
		want, werr := op.Fields()
		got, gerr := registerFields(&op)
		if (werr != nil) != (gerr != nil) {
			t.Errorf("%s: error %v, Op.Fields %v", v, gerr, werr)
			continue
		}
		if werr != nil {
			continue
		}
		if got.hasKey != (want.Key != nil) || want.Key != nil && string(got.key) != *want.Key ||
			string(got.value) != string(want.Value) || string(got.from) != string(want.From) || string(got.to) != string(want.To) {
			t.Errorf("%s: %+v, Op.Fields %+v", v, got, want)
		}
	}
}

// The search agrees with porcupine's on histories with unknown
// outcomes, failed cas and planted anomalies, and fails where porcupine
// does: its longest partial linearization is as long as porcupine's.
func TestLinearizableSearchAgreesWithPorcupine(t *testing.T) {
	verdicts := map[searchVerdict]int{}
	for seed := range uint64(1000) {
		r := rand.New(rand.NewPCG(seed, 3))
		h := genRegister(r, 1+r.IntN(2), 2+r.IntN(5), 10+r.IntN(50))
		h = mutateRegister(r, h)
		keys, err := registerOps(h)
		if err != nil {
			t.Fatal(err)
		}
		for name, k := range keys {
			v, best := searchKey(context.Background(), k, 0)
			verdicts[v]++
			model := regModel(k)
			pv, info := porcupine.CheckOperationsVerbose(model, k.operations(), 0)
			if (v == searchLinearizable) != (pv == porcupine.Ok) {
				t.Fatalf("seed %d key %s: search %v, porcupine %v", seed, name, v, pv)
			}
			if v != searchIllegal {
				continue
			}
			longest := 0
			for _, p := range info.PartialLinearizations()[0] {
				longest = max(longest, len(p))
			}
			if len(best) != longest {
				t.Fatalf("seed %d key %s: longest partial linearization %d ops, porcupine's %d", seed, name, len(best), longest)
			}
			state := int32(0)
			for i, id := range best {
				ok, next := k.calls[id].apply(state)
				if !ok {
					t.Fatalf("seed %d key %s: partial linearization %v cannot take op %d", seed, name, best, i)
				}
				state = next
			}
		}
	}
	if verdicts[searchLinearizable] < 100 || verdicts[searchIllegal] < 100 {
		t.Errorf("too one-sided to compare: %v", verdicts)
	}
	t.Logf("keys linearizable %d, not %d", verdicts[searchLinearizable], verdicts[searchIllegal])
}

// mutateRegister plants faults in a generated register history: reads
// of other values, outcomes made unknown, cas outcomes flipped,
// completions lost.
func mutateRegister(r *rand.Rand, h []history.Op) []history.Op {
	out := h[:0]
	for _, op := range h {
		if op.Type != history.Invoke {
			switch x := r.IntN(100); {
			case x < 3:
				continue // lost: the op stays open, or the process's next invoke replaces it
			case x < 8 && op.F != history.FRead:
				op.Type = history.Info
			case x < 12 && op.F == history.FCas && op.Type == history.OK:
				op.Type = history.Fail
			case x < 16 && op.F == history.FCas && op.Type == history.Fail:
				op.Type = history.OK
			case x < 22 && op.F == history.FRead:
				key := strings.Split(string(op.Value), `"`)[3]
				op.Value = []byte(fmt.Sprintf(`{"key":%q,"value":%d}`, key, r.IntN(6)))
			}
		}
		out = append(out, op)
	}
	return out
}
