package checkers_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/checkers/internal/gen"
	"github.com/chaos-election/chaos/history"
)

// fixtures are small histories shipped in testdata/ (the README and the
// CLI tests use them), with the verdict each must get.
var fixtures = []struct {
	file     string
	validity checkers.Validity
	kind     string
}{
	{"valid.jsonl", checkers.Valid, ""},
	{"invalid-stale-write.jsonl", checkers.Invalid, gen.SplitBrain},
	{"unknown-no-faults.jsonl", checkers.Unknown, gen.NoFaults},
}

// TestFixtures checks each fixture's verdict. CHAOS_UPDATE_FIXTURES=1
// writes them anew from the generator first.
func TestFixtures(t *testing.T) {
	for i, f := range fixtures {
		path := filepath.Join("testdata", f.file)
		if os.Getenv("CHAOS_UPDATE_FIXTURES") != "" {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			cfg := gen.Config{Nodes: 3, Epochs: 5, Writes: 3}
			var ops []history.Op
			if f.kind == "" {
				ops = gen.Election(rng, cfg)
			} else {
				ops, _ = gen.Planted(rng, cfg, f.kind)
			}
			writeJSONL(t, path, ops)
		}
		ops, warns, err := history.ReadFile(path)
		if err != nil || len(warns) > 0 {
			t.Fatalf("%s: %v %v", path, err, warns)
		}
		if got := check(ops, checkers.Options{}).Validity; got != f.validity {
			t.Errorf("%s: %s, want %s", path, got, f.validity)
		}
	}
}

func writeJSONL(t *testing.T, path string, ops []history.Op) {
	t.Helper()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	enc := json.NewEncoder(out)
	for i := range ops {
		if err := enc.Encode(&ops[i]); err != nil {
			t.Fatal(err)
		}
	}
}
