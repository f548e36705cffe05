//go:build docker

package runner

import (
	"context"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
)

// acceptanceTargets are the backends every acceptance test runs on.
var acceptanceTargets = []string{"etcd", "zookeeper", "consul"}

// forEachTarget runs test once per backend, as a subtest named after it,
// the backends side by side and beside the package's other parallel tests
// (each checks only its own runs' containers).
func forEachTarget(t *testing.T, test func(t *testing.T, target string)) {
	t.Parallel()
	for _, target := range acceptanceTargets {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			test(t, target)
		})
	}
}

// shortPlan is the default plan on target cut to CI size: 20 s of faults
// (6 s each), 5 s of recovery, a 2 s lease.
func shortPlan(t *testing.T, target, name, resource string, faults ...nemesis.FaultSpec) plan.Plan {
	p := plan.Default()
	p.SetTarget(target)
	p.Name, p.Resource = target+"-"+name, resource
	p.Duration, p.Recovery, p.LeaseTTL = 20*time.Second, 5*time.Second, 2*time.Second
	p.Nemesis.Interval = 2 * time.Second
	for i := range p.Nemesis.Faults { // two of the default's fit, with their start and heal
		p.Nemesis.Faults[i].Duration = 6 * time.Second
	}
	if len(faults) > 0 {
		p.Nemesis.Faults = faults
	}
	return p
}

// runQuiet runs p (warnings logged), checks that it leaves nothing in
// Docker, and returns its outcome and history.
func runQuiet(t *testing.T, p plan.Plan) (RunOutcome, []history.Op) {
	t.Helper()
	out, err := Run(context.Background(), RunConfig{
		Plan: p, Root: t.TempDir(), Progress: os.Stderr,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	assertRunLeftNothing(t, out.ID)
	if err != nil {
		t.Fatalf("run %s: %v", p.Name, err)
	}
	ops, _, err := history.ReadFile(out.Dir + "/" + HistoryFile)
	if err != nil {
		t.Fatalf("read the run's history: %v", err)
	}
	return out, ops
}

// runPlan is runQuiet on the compose path: the run directory holds every
// file of a run, the nodes' logs among them.
func runPlan(t *testing.T, p plan.Plan) (RunOutcome, []history.Op) {
	t.Helper()
	out, ops := runQuiet(t, p)
	for _, f := range []string{ResultsFile, ReportFile, JUnitFile, plan.FileName, "logs/n1.log"} {
		if st, err := os.Stat(out.Dir + "/" + f); err != nil || st.Size() == 0 {
			t.Errorf("run directory lacks %s: %v", f, err)
		}
	}
	// results.json and the report list the nodes' logs: they are
	// collected before the results are written.
	b, err := os.ReadFile(filepath.Join(out.Dir, ResultsFile))
	if err != nil || !strings.Contains(string(b), `"logs/n1.log"`) {
		t.Errorf("results.json does not list logs/n1.log (%v)", err)
	}
	if b, err := os.ReadFile(filepath.Join(out.Dir, ReportFile)); err != nil || !strings.Contains(string(b), `href="logs/n1.log"`) {
		t.Errorf("report.html does not link logs/n1.log (%v)", err)
	}
	return out, ops
}

// logNonWrites logs every op of a run but the writes: what a failed
// acceptance test needs to be understood from CI's log alone.
func logNonWrites(t *testing.T, ops []history.Op) {
	t.Helper()
	for _, op := range ops {
		if op.F != history.FWrite {
			t.Logf("  %d %.3f %s %s %s %s %s", op.Index, op.Time.Seconds(), op.Process, op.Type, op.F, op.Value, op.Err)
		}
	}
}

func figure(r checkers.Results, checker, name string) float64 {
	for _, res := range r.Results {
		if res.Checker == checker {
			return res.Figures[name]
		}
	}
	return -1
}

// Acceptance 1: the default plan (shortened) ends valid, with faults in
// effect and leaders changing.
func TestDefaultPlanValid(t *testing.T) { forEachTarget(t, testDefaultPlanValid) }

func testDefaultPlanValid(t *testing.T, target string) {
	p := shortPlan(t, target, "default", "token")
	// Two faults fit; the first is the default's isolate-leader, which
	// always removes the leader (halves may leave it on the majority side).
	p.Duration = 26 * time.Second
	p.Seed = seedFirstFault(p, 0)
	out, ops := runPlan(t, p)
	if out.Results.Validity != checkers.Valid {
		t.Fatalf("default plan: %s: %+v", out.Results.Validity, out.Results.Results)
	}
	faults, leaders := 0, map[string]bool{}
	for _, op := range ops {
		if op.F == history.FFaultStart {
			faults++
		}
		if op.F == history.FCampaign && op.Type == history.OK {
			leaders[op.Process] = true
		}
	}
	if faults < 2 || len(leaders) < 2 {
		logNonWrites(t, ops)
		t.Fatalf("%d faults in effect, %d distinct leaders: the run tested little", faults, len(leaders))
	}
	t.Logf("default: %d ops, %d faults, failover median %.2f s max %.2f s", len(ops), faults,
		figure(out.Results, "liveness", "failover_median_s"), figure(out.Results, "liveness", "failover_max_s"))
}

// seedFirstFault is a seed whose schedule draws fault i of the plan first
// (the first draw of the run's random source, for a plan without link
// faults).
func seedFirstFault(p plan.Plan, i int) int64 {
	for seed := int64(1); ; seed++ {
		rng := mrand.New(mrand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
		if rng.IntN(len(p.Nemesis.Faults)) == i {
			return seed
		}
	}
}

var leaderPause = nemesis.FaultSpec{Kind: "client-pause", Victim: "leader", Duration: 6 * time.Second}

// Acceptance 2: no fencing and the leader's client paused past its lease:
// invalid with accepted stale-token writes, in at least 4 of 5 runs.
func TestUnfencedFindsStaleWrites(t *testing.T) { forEachTarget(t, testUnfencedFindsStaleWrites) }

func testUnfencedFindsStaleWrites(t *testing.T, target string) {
	fourOfFive(t, "stale writes found", func(i int) bool {
		p := shortPlan(t, target, "unfenced", "none", leaderPause)
		p.Duration = 15 * time.Second
		out, ops := runPlan(t, p)
		accepted := figure(out.Results, "stale-writes", "stale_accepted")
		t.Logf("run %d: %s, %v stale writes accepted", i, out.Results.Validity, accepted)
		if out.Results.Validity == checkers.Invalid && accepted > 0 {
			return true
		}
		logNonWrites(t, ops) // what happened instead
		return false
	})
}

// fourOfFive runs found (run 1, 2, ...) until it returned true 4 times,
// at most 5 times, stopping once 4 can no longer be reached; it fails t
// unless 4 runs found what they look for (what: "stale writes found").
func fourOfFive(t *testing.T, what string, found func(run int) bool) {
	t.Helper()
	n := 0
	for i := 1; i <= 5 && n < 4 && 5-i+1+n >= 4; i++ {
		if found(i) {
			n++
		}
	}
	if n < 4 {
		t.Fatalf("%s in %d runs, want at least 4 of 5", what, n)
	}
}

// Acceptance 3: the same faults with fencing by token and in the backend:
// valid, the stale writes rejected and counted.
func TestFencedModesValid(t *testing.T) { forEachTarget(t, testFencedModesValid) }

func testFencedModesValid(t *testing.T, target string) {
	for _, mode := range []string{"token", "backend"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			p := shortPlan(t, target, "fenced-"+mode, mode, leaderPause)
			p.Duration = 15 * time.Second
			out, _ := runPlan(t, p)
			rejected := figure(out.Results, "stale-writes", "stale_rejected")
			unknown := figure(out.Results, "stale-writes", "stale_unknown")
			stopped := rejected
			if target == "zookeeper" && mode == "backend" {
				// ZooKeeper fences a zombie before its znode check: the
				// server closed the expired session's connection, so the
				// zombie's first write fails with "connection closed", an
				// unknown outcome, and its process retires.
				stopped += unknown
			}
			if out.Results.Validity != checkers.Valid || stopped < 1 {
				t.Fatalf("%s: %s with %v stale writes rejected, %v unknown: %+v", mode, out.Results.Validity, rejected, unknown, out.Results.Results)
			}
			t.Logf("%s: valid, %v stale writes rejected, %v unknown", mode, rejected, unknown)
		})
	}
}

// A link fault on the harness's own cluster, on every backend: a leader
// cut from its node by the proxy loses the leadership and another is
// elected; with fencing the run stays valid. (Delay and loss are proven on
// the external path, TestExternalLinkFaults, and in linkproxy.)
func TestLinkFaultsOnCompose(t *testing.T) { forEachTarget(t, testLinkFaultsOnCompose) }

func testLinkFaultsOnCompose(t *testing.T, target string) {
	p := shortPlan(t, target, "links", "token",
		nemesis.FaultSpec{Kind: "client-partition", Victim: "leader", Duration: 6 * time.Second})
	out, ops := runPlan(t, p)
	kinds := faultKinds(ops)
	t.Logf("%s, %d ops, faults %v, %d leaders, %v failovers (median %.2f s)", out.Results.Validity, len(ops), kinds,
		leaders(ops), figure(out.Results, "liveness", "failovers"), figure(out.Results, "liveness", "failover_median_s"))
	if out.Results.Validity != checkers.Valid || kinds["client-partition"] < 1 || leaders(ops) < 2 ||
		figure(out.Results, "liveness", "failovers") < 1 {
		logNonWrites(t, ops)
		t.Fatalf("%s: %+v", out.Results.Validity, out.Results.Results)
	}
}
