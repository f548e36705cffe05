package checkers_test

import (
	"context"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/chaos-election/chaos/checkers"
)

// BenchmarkJepsen checks all of porcupine's Jepsen etcd logs in each
// iteration: chaos (the Linearizable checker on the logs as chaos
// histories, from the ops to the verdict, JSON values included) against
// porcupine (CheckOperations with its own etcd model on its own parse;
// porcupine-events is CheckEvents, what porcupine's own benchmarks run).
// Both must give porcupine's expected verdicts.
func BenchmarkJepsen(b *testing.B) {
	logs := jepsenEtcd(b)
	b.Run("chaos", func(b *testing.B) {
		for b.Loop() {
			for _, l := range logs {
				res := (&checkers.Linearizable{}).Check(context.Background(), l.chaos)
				if (res.Validity == checkers.Valid) != l.linear || res.Validity == checkers.Unknown {
					b.Fatalf("etcd_%03d.log: %s: %s", l.num, res.Validity, res.Summary)
				}
			}
		}
	})
	b.Run("porcupine", func(b *testing.B) {
		for b.Loop() {
			for _, l := range logs {
				if porcupine.CheckOperations(etcdModel, l.ops) != l.linear {
					b.Fatalf("etcd_%03d.log: porcupine disagrees with its own verdict", l.num)
				}
			}
		}
	})
	b.Run("porcupine-events", func(b *testing.B) {
		for b.Loop() {
			for _, l := range logs {
				if porcupine.CheckEvents(etcdModel, l.events) != l.linear {
					b.Fatalf("etcd_%03d.log: porcupine disagrees with its own verdict", l.num)
				}
			}
		}
	})
}
