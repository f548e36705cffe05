package checkers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/checkers/internal/gen"
	"github.com/chaos-election/chaos/history"
)

// casesPerKind is how many generated histories each property is proven on.
const casesPerKind = 1000

func check(h []history.Op, opts checkers.Options) checkers.Results {
	return checkers.Run(context.Background(), h, checkers.Election(opts)...)
}

// roundTrip writes h as JSONL and reads it back through the validating
// reader, so every generated history is also a well-formed one.
func roundTrip(t *testing.T, h []history.Op) []history.Op {
	t.Helper()
	out, warns, err := history.Read(encode(t, h), "generated.jsonl")
	if err != nil || len(warns) > 0 {
		t.Fatalf("generated history does not read back: %v %v", err, warns)
	}
	return out
}

// encode writes h as JSONL.
func encode(t *testing.T, h []history.Op) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range h {
		if err := enc.Encode(&h[i]); err != nil {
			t.Fatal(err)
		}
	}
	return &buf
}

func TestGeneratedValid(t *testing.T) {
	t.Parallel()
	for seed := uint64(0); seed < casesPerKind; seed++ {
		rng := rand.New(rand.NewPCG(seed, 1))
		h := gen.Election(rng, gen.Config{})
		if seed%4 == 0 {
			h = roundTrip(t, h)
		}
		r := check(h, checkers.Options{})
		if r.Validity != checkers.Valid {
			t.Fatalf("seed %d: generated valid history judged %s: %+v", seed, r.Validity, fatal(r))
		}
	}
}

func TestGeneratedPlanted(t *testing.T) {
	// For each kind: which checkers must fail, with what verdict and kind.
	want := map[string][]struct {
		checker, kind string
		validity      checkers.Validity
	}{
		gen.SplitBrain:         {{"dual-leaders", "split-brain", checkers.Invalid}, {"stale-writes", "stale-write-accepted", checkers.Invalid}},
		gen.TokenReused:        {{"token-order", "token-reused", checkers.Invalid}},
		gen.TokenNotIncreasing: {{"token-order", "token-not-increasing", checkers.Invalid}},
		gen.LongNoLeader:       {{"liveness", "limit-exceeded", checkers.Invalid}},
		gen.NoFaults:           {{"vacuity", "no-faults", checkers.Unknown}},
		gen.TooFewOps:          {{"vacuity", "too-few-ops", checkers.Unknown}},
		gen.UngrantedWrite:     {{"ungranted-writes", "write-without-grant", checkers.Invalid}},
	}
	for _, kind := range gen.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			opts := checkers.Options{}
			if kind == gen.LongNoLeader {
				opts.Limits.MaxNoLeader = 5 * time.Second
			}
			for seed := uint64(0); seed < casesPerKind; seed++ {
				rng := rand.New(rand.NewPCG(seed, 2))
				h, planted := gen.Planted(rng, gen.Config{}, kind)
				if seed%4 == 0 {
					h = roundTrip(t, h)
				}
				r := check(h, opts)
				failing := map[string]bool{}
				for _, w := range want[kind] {
					failing[w.checker] = true
					res := result(r, w.checker)
					if res.Validity != w.validity {
						t.Fatalf("seed %d: %s judged %s, want %s", seed, w.checker, res.Validity, w.validity)
					}
					var found []checkers.Anomaly
					for _, a := range res.Anomalies {
						if a.Fatal {
							found = append(found, a)
						}
					}
					if len(found) != 1 || found[0].Kind != w.kind {
						t.Fatalf("seed %d: %s found %+v, want exactly one %s", seed, w.checker, found, w.kind)
					}
					for _, idx := range planted {
						if !slices.Contains(found[0].Ops, idx) {
							t.Fatalf("seed %d: %s anomaly ops %v miss planted op %d", seed, w.checker, found[0].Ops, idx)
						}
					}
				}
				for _, res := range r.Results {
					if !failing[res.Checker] && res.Validity != checkers.Valid {
						t.Fatalf("seed %d: %s judged %s; only %v should fail: %+v", seed, res.Checker, res.Validity, want[kind], res.Anomalies)
					}
				}
			}
		})
	}
}

func result(r checkers.Results, name string) checkers.Result {
	for _, res := range r.Results {
		if res.Checker == name {
			return res
		}
	}
	return checkers.Result{}
}

func fatal(r checkers.Results) []checkers.Anomaly {
	var out []checkers.Anomaly
	for _, res := range r.Results {
		for _, a := range res.Anomalies {
			if a.Fatal || res.Validity != checkers.Valid {
				out = append(out, a)
			}
		}
	}
	return out
}

// TestGeneratedEdges proves the liveness edges on generated histories:
// campaigns never granted, faults the leader survived, even splits, and a
// string token the reader rejects.
func TestGeneratedEdges(t *testing.T) {
	t.Parallel()
	for seed := uint64(0); seed < casesPerKind; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))

		h := gen.NoGrant(rng)
		if seed%4 == 0 {
			h = roundTrip(t, h)
		}
		r := check(h, checkers.Options{Limits: checkers.Limits{MaxNoLeader: 5 * time.Second}})
		v, live := fatalOf(result(r, "vacuity")), fatalOf(result(r, "liveness"))
		if len(v) != 1 || v[0].Kind != "no-grants" || !slices.Equal(v[0].Ops, []int64{0}) ||
			len(live) != 1 || live[0].Kind != "limit-exceeded" || !slices.Equal(live[0].Ops, []int64{0}) || r.Validity != checkers.Invalid {
			t.Fatalf("seed %d: no grant: %s, vacuity %+v, liveness %+v", seed, r.Validity, v, live)
		}

		h, start, heal, leader, token := gen.Survived(rng)
		if seed%4 == 0 {
			h = roundTrip(t, h)
		}
		r = check(h, checkers.Options{Limits: checkers.Limits{MaxFailover: 10 * time.Second}})
		res := result(r, "liveness")
		if r.Validity != checkers.Valid || len(res.Failovers) != 0 || len(res.Survived) != 1 ||
			res.Survived[0].FaultOp != start || res.Survived[0].HealOp != heal || res.Survived[0].Process != leader || res.Survived[0].Token != token {
			t.Fatalf("seed %d: survived fault %d..%d of %s: %s, failovers %+v, survived %+v", seed, start, heal, leader, r.Validity, res.Failovers, res.Survived)
		}

		h, start, lost, grant := gen.EvenSplit(rng)
		if seed%4 == 0 {
			h = roundTrip(t, h)
		}
		r = check(h, checkers.Options{})
		res = result(r, "liveness")
		if r.Validity != checkers.Valid || len(res.Failovers) != 1 || res.Failovers[0].FaultOp != start || res.Failovers[0].RemovedOp != lost ||
			res.Failovers[0].GrantOp != grant || !res.Failovers[0].NoMajority || res.Figures["partitions_no_majority"] != 1 {
			t.Fatalf("seed %d: even split at %d, lost %d, grant %d: %s %+v %v", seed, start, lost, grant, r.Validity, res.Failovers, res.Figures)
		}

		h, line := gen.StringToken(rng)
		_, _, err := history.Read(encode(t, h), "generated.jsonl")
		if want := fmt.Sprintf("generated.jsonl:%d: field %q", line, "value.token"); !history.IsParseError(err) || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("seed %d: string token at line %d: %v", seed, line, err)
		}
	}
}
