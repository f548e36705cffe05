package history

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// fullFault has every field set.
var fullFault = Fault{
	Bandwidth: "1mbit", Bridge: "n2", Clock: "node", Delay: "150ms", Direction: "one-way", Fallback: "random", Kind: "partition", Flaps: 3, For: "8s",
	Groups: [][]string{{"n1"}, {"n2", "n3"}}, Grudge: map[string][]string{"n1": {"n2", "n3"}, "n3": {"n1"}},
	Jitter: "20ms", Loss: 0.25, Method: "nftables", Node: "n1", Nodes: []string{"n1", "n3"}, Offset: "-4s",
	Period: "500ms", Probe: "n1→n2: no answer within 1s", Process: "n1#2",
	Rate: 0.5, Shape: "isolate-leader", Took: "12ms", Victim: "leader",
}

// Any subset of a fault's fields encodes exactly as the map[string]any of
// the same keys did (encoding/json sorts a map's keys): the fields are
// declared in key order, and omitted when empty.
func TestFaultEncodesAsTheMapDid(t *testing.T) {
	full := reflect.ValueOf(fullFault)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		var f Fault
		v := reflect.ValueOf(&f).Elem()
		m := map[string]any{"fault": ""} // "fault" is written even when empty
		for j := 0; j < v.NumField(); j++ {
			if rng.IntN(2) == 0 {
				continue
			}
			v.Field(j).Set(full.Field(j))
			name := v.Type().Field(j).Tag.Get("json")
			if k := len(name); k > 10 && name[k-10:] == ",omitempty" {
				name = name[:k-10]
			}
			m[name] = full.Field(j).Interface()
		}
		got, want := string(MustValue(f)), string(MustValue(m))
		if got != want {
			t.Fatalf("struct %s\n   map %s", got, want)
		}
	}
}

func TestFaultRoundTrip(t *testing.T) {
	op := Op{Value: MustValue(fullFault)}
	got, ok := op.Fault()
	if !ok || !reflect.DeepEqual(got, fullFault) {
		t.Fatalf("decoded %+v (ok %v), want %+v", got, ok, fullFault)
	}
	heal := Op{Value: MustValue(Fault{Kind: "pause", Nodes: []string{"n2"}})}
	if got, _ := heal.Fault(); string(heal.Value) != `{"fault":"pause","nodes":["n2"]}` || got.Kind != "pause" || got.Nodes[0] != "n2" {
		t.Fatalf("heal %s decoded %+v", heal.Value, got)
	}
}

// Fault matches keys as Read does: exactly, at the top level only; a
// field of the wrong type is left zero and the others still decode.
func TestFaultExact(t *testing.T) {
	for _, tc := range []struct {
		value string
		ok    bool
		want  Fault
	}{
		{`{"fault":"pause","Nodes":["n1"],"nod\u0065s":["n2"],"x":{"nodes":["n3"],"fault":"kill"}}`, true, Fault{Kind: "pause"}},
		{` { "fault" : "kill" , "nodes" : [ "n1" ] } `, true, Fault{Kind: "kill", Nodes: []string{"n1"}}},
		{`{"fault":"client-loss","loss":"30%","for":8,"nodes":["n1"],"token":"x"}`, true, Fault{Kind: "client-loss", Nodes: []string{"n1"}}},
		{`{"fault":"partition","grudge":{"n1":["n2"]},"grudge":{"n3":["n1"]}}`, true, Fault{Kind: "partition", Grudge: map[string][]string{"n3": {"n1"}}}},
		{`{"fault":"p\u00e4use","shape":"a\"b"}`, true, Fault{Kind: "päuse", Shape: `a"b`}},
		{`{"fault":"pause","nodes":[1,"n2"]}`, true, Fault{Kind: "pause"}},
		{`{}`, true, Fault{}},
		{`["fault"]`, false, Fault{}},
		{`null`, false, Fault{}},
		{``, false, Fault{}},
		{`{"fault":"pause"`, false, Fault{}},
	} {
		got, ok := (&Op{Value: json.RawMessage(tc.value)}).Fault()
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v (ok %v), want %+v (ok %v)", tc.value, got, ok, tc.want, tc.ok)
		}
	}
}

// The election values encode as the maps the workload recorded.
func TestElectionValuesEncodeAsTheMapsDid(t *testing.T) {
	for _, tc := range []struct {
		typed, m any
	}{
		{Campaign{Token: 7}, map[string]uint64{"token": 7}},
		{Write{Token: 7, Seq: -3}, map[string]any{"token": uint64(7), "seq": int64(-3)}},
		{Write{Token: 18446744073709551615, Seq: 1}, map[string]any{"token": uint64(18446744073709551615), "seq": int64(1)}},
		{Resign{Token: 0}, map[string]uint64{"token": 0}},
		{Lost{Token: 9, Reason: "session \"expired\""}, map[string]any{"token": uint64(9), "reason": "session \"expired\""}},
		{Lost{Token: 9}, map[string]any{"token": uint64(9), "reason": ""}},
	} {
		if got, want := string(MustValue(tc.typed)), string(MustValue(tc.m)); got != want {
			t.Errorf("%T: %s, the map wrote %s", tc.typed, got, want)
		}
	}
	// And Read takes them for what they are.
	op := Op{Process: "n1", Type: OK, F: FCampaign, Value: MustValue(Campaign{Token: 7})}
	if f, err := op.Fields(); err != nil || f.Token == nil || *f.Token != 7 {
		t.Fatalf("campaign %s: %+v %v", op.Value, f, err)
	}
}

func BenchmarkFault(b *testing.B) {
	op := Op{Value: MustValue(Fault{Kind: "partition", Shape: "isolate-leader", Groups: [][]string{{"n2"}, {"n1", "n3"}}, Nodes: []string{"n2"}})}
	b.Run("Fault", func(b *testing.B) {
		for b.Loop() {
			if f, ok := op.Fault(); !ok || f.Kind != "partition" {
				b.Fatal(f)
			}
		}
	})
	b.Run("Fields", func(b *testing.B) { // how the checkers read faults before
		for b.Loop() {
			if f, err := op.Fields(); err != nil || f.Fault != "partition" {
				b.Fatal(f)
			}
		}
	})
}
