package checkers_test

import (
	"bufio"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/checkers/internal/gen"
	"github.com/chaos-election/chaos/history"
)

var (
	millionOnce sync.Once
	millionPath string
	millionOps  int
)

// millionFile writes (once per process) a generated election history of
// about 1,000,000 ops: 5 candidates, faults, writes, lost/re-campaign.
func millionFile(b *testing.B) string {
	millionOnce.Do(func() {
		dir, err := os.MkdirTemp("", "chaos-bench")
		if err != nil {
			b.Fatal(err)
		}
		millionPath = filepath.Join(dir, "history.jsonl")
		rng := rand.New(rand.NewPCG(1, 1))
		ops := gen.Election(rng, gen.Config{Nodes: 5, Epochs: 23000, Writes: 40})
		millionOps = len(ops)
		writeBench(b, millionPath, ops)
	})
	return millionPath
}

func writeBench(b *testing.B, path string, ops []history.Op) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for i := range ops {
		if err := enc.Encode(&ops[i]); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
}

// BenchmarkCheck1M reads a ~1M-op history file and runs every election
// checker on it: the target is ≤ 3 s on one core (GOMAXPROCS=1) and
// ≤ 1 GiB peak memory.
func BenchmarkCheck1M(b *testing.B) {
	path := millionFile(b)
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		ops, _, err := history.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		r := checkers.Run(context.Background(), ops, checkers.Election(checkers.Options{})...)
		if r.Validity != checkers.Valid {
			b.Fatalf("generated history judged %s", r.Validity)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.Sys)
	}
	b.ReportMetric(float64(millionOps), "ops")
	b.ReportMetric(float64(peak)/(1<<20), "MiB-sys")
}

// BenchmarkDecode1M is plain JSON decoding of the same file into a map
// per line: the floor the check is compared with.
func BenchmarkDecode1M(b *testing.B) {
	path := millionFile(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		n := 0
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				b.Fatal(err)
			}
			n++
		}
		f.Close()
		if n != millionOps {
			b.Fatalf("decoded %d lines, want %d", n, millionOps)
		}
	}
}
