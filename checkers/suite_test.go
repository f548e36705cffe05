package checkers

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/checkers/internal/gen"
	"github.com/chaos-election/chaos/history"
)

// merge interleaves histories by time and renumbers them.
func merge(hs ...[]history.Op) []history.Op {
	var out []history.Op
	for _, h := range hs {
		out = append(out, h...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time < out[j].Time })
	for i := range out {
		out[i].Index = int64(i)
	}
	return out
}

func names(rs Results) []string {
	var out []string
	for _, r := range rs.Results {
		out = append(out, r.Checker+"="+string(r.Validity))
	}
	return out
}

func TestDetectWorkloads(t *testing.T) {
	el := gen.Election(rand.New(rand.NewPCG(1, 1)), gen.Config{})
	rg := genRegister(rand.New(rand.NewPCG(2, 2)), 3, 4, 100)
	for _, tc := range []struct {
		name string
		h    []history.Op
		want Workloads
	}{
		{"election", el, Workloads{Election: true}},
		{"register", rg, Workloads{Register: true}},
		{"both", merge(el, rg), Workloads{Election: true, Register: true}},
		{"nemesis only", el[:0], Workloads{}},
	} {
		if got := DetectWorkloads(tc.h); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// A history of both workloads is checked by both sets of checkers: clean
// it passes; a stale read planted among the register ops fails it through
// linearizable alone, while the register writes (which carry no token)
// never count as election writes.
func TestSuiteBothWorkloads(t *testing.T) {
	el := gen.Election(rand.New(rand.NewPCG(3, 3)), gen.Config{})
	rg := genRegister(rand.New(rand.NewPCG(4, 4)), 3, 4, 300)
	h := merge(el, rg)
	w := DetectWorkloads(h)
	res := Run(context.Background(), h, Suite(Options{}, w)...)
	got := names(res)
	for _, want := range []string{"dual-leaders=valid", "stale-writes=valid", "vacuity=valid", "linearizable=valid"} {
		if !slices.Contains(got, want) {
			t.Fatalf("clean: %v, want %s", got, want)
		}
	}
	if res.Validity != Valid {
		t.Fatalf("clean: %s %v", res.Validity, got)
	}
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].F == history.FRead && h[i].Type == history.OK {
			key := strings.Split(string(h[i].Value), `"`)[3]
			h[i].Value = []byte(fmt.Sprintf(`{"key":%q,"value":42}`, key))
			break
		}
	}
	res = Run(context.Background(), h, Suite(Options{}, w)...)
	got = names(res)
	if res.Validity != Invalid || !slices.Contains(got, "linearizable=invalid") || !slices.Contains(got, "stale-writes=valid") {
		t.Fatalf("planted stale read: %s %v", res.Validity, got)
	}
}

// A register-only history gets no election checkers, and still needs a
// fault to be more than vacuous.
func TestSuiteRegisterOnly(t *testing.T) {
	h := genRegister(rand.New(rand.NewPCG(5, 5)), 2, 3, 200)
	w := DetectWorkloads(h)
	res := Run(context.Background(), h, Suite(Options{}, w)...)
	if got := names(res); res.Validity != Unknown || !slices.Equal(got, []string{"vacuity=unknown", "linearizable=valid"}) {
		t.Fatalf("no faults: %s %v", res.Validity, got)
	}
	res = Run(context.Background(), h, Suite(Options{AllowNoFaults: true}, w)...)
	if res.Validity != Valid {
		t.Fatalf("allow no faults: %s %v", res.Validity, names(res))
	}
}

// In a run of both workloads, too few register ops make linearizable
// unknown even when the election ops are plenty.
func TestSuiteTooFewRegisterOps(t *testing.T) {
	el := gen.Election(rand.New(rand.NewPCG(6, 6)), gen.Config{})
	rg := genRegister(rand.New(rand.NewPCG(7, 7)), 1, 1, 3)
	res := Run(context.Background(), merge(el, rg), Suite(Options{MinOps: 10}, Workloads{Election: true, Register: true})...)
	lin := res.Results[len(res.Results)-1]
	if lin.Checker != "linearizable" || lin.Validity != Unknown || lin.Anomalies[0].Kind != "too-few-ops" {
		t.Fatalf("%+v", lin)
	}
	if res.Validity != Unknown {
		t.Fatalf("verdict %s", res.Validity)
	}
}

// No workload at all is never a pass.
func TestSuiteNothing(t *testing.T) {
	res := Run(context.Background(), nil, Suite(Options{}, Workloads{})...)
	if res.Validity != Unknown {
		t.Fatalf("%s %v", res.Validity, names(res))
	}
}
