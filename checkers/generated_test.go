package checkers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
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
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range h {
		if err := enc.Encode(&h[i]); err != nil {
			t.Fatal(err)
		}
	}
	out, warns, err := history.Read(&buf, "generated.jsonl")
	if err != nil || len(warns) > 0 {
		t.Fatalf("generated history does not read back: %v %v", err, warns)
	}
	return out
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
