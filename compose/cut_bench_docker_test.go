//go:build docker

package compose

import (
	"context"
	"slices"
	"testing"
	"time"
)

// cutBenchRounds is how many cuts and heals BenchmarkCut times.
const cutBenchRounds = 100

// BenchmarkCut times partitions on a real 3-node etcd cluster: each of
// cutBenchRounds rounds cuts one node off (in turn n1, n2, n3, both
// ways) and mends, and each call is timed until it returns, which is
// when its rules are in effect on every node. It reports the p50 and p99
// of the cut and of the heal in milliseconds. One run of the function
// does all the rounds (the cluster comes up once), so run it once:
//
//	go test -tags docker -run '^$' -bench BenchmarkCut -benchtime 1x ./compose/
//
// It uses only Up, Cut, Mend and Down, so the same file measures an
// older commit too.
func BenchmarkCut(b *testing.B) {
	ctx := context.Background()
	c, err := Up(ctx, testDocker, Spec{Nodes: 3, RunID: testRunID("bcut"), Dir: b.TempDir(), Healthy: etcdHealthy})
	if err != nil {
		b.Fatalf("Up: %v", err)
	}
	b.Cleanup(func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := c.Down(dctx); err != nil {
			b.Errorf("Down: %v", err)
		}
	})
	names := c.Names()
	cuts := make([]time.Duration, 0, cutBenchRounds)
	heals := make([]time.Duration, 0, cutBenchRounds)
	b.ResetTimer()
	for i := range cutBenchRounds {
		lone := names[i%len(names)]
		grudge := isolateGrudge(names, lone)
		start := time.Now()
		if err := c.Cut(ctx, grudge); err != nil {
			b.Fatalf("round %d: cut off %s: %v", i, lone, err)
		}
		cuts = append(cuts, time.Since(start))
		start = time.Now()
		if err := c.Mend(ctx); err != nil {
			b.Fatalf("round %d: mend: %v", i, err)
		}
		heals = append(heals, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(percentileMs(cuts, 50), "cut-p50-ms")
	b.ReportMetric(percentileMs(cuts, 99), "cut-p99-ms")
	b.ReportMetric(percentileMs(heals, 50), "heal-p50-ms")
	b.ReportMetric(percentileMs(heals, 99), "heal-p99-ms")
	b.Logf("%d rounds on 3 nodes: cut p50 %.1f ms p99 %.1f ms max %.1f ms; heal p50 %.1f ms p99 %.1f ms max %.1f ms",
		cutBenchRounds, percentileMs(cuts, 50), percentileMs(cuts, 99), percentileMs(cuts, 100),
		percentileMs(heals, 50), percentileMs(heals, 99), percentileMs(heals, 100))
}

// isolateGrudge cuts lone off from the others, both ways.
func isolateGrudge(names []string, lone string) map[string][]string {
	g := map[string][]string{}
	for _, n := range names {
		if n != lone {
			g[n] = []string{lone}
			g[lone] = append(g[lone], n)
		}
	}
	return g
}

// percentileMs is the p-th percentile of ds (nearest rank), in ms.
func percentileMs(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		panic("percentile of nothing")
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100 // ceil(p/100 * n), 1-based
	rank = min(max(rank, 1), len(s))
	return float64(s[rank-1]) / float64(time.Millisecond)
}
