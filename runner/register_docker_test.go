//go:build docker

package runner

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
)

// isolateLeader cuts the backend's own leader off from the others: the
// partition under which a backend that reads locally serves stale values.
var isolateLeader = nemesis.FaultSpec{Kind: "partition", Shape: "isolate-leader", Duration: 6 * time.Second}

// registerPlan is a register-only plan on target with the read mode,
// under partitions that isolate the leader.
func registerPlan(target, mode string, d time.Duration) plan.Plan {
	p := plan.Default()
	p.SetTarget(target)
	p.Name, p.Workload = target+"-register-"+mode, "register"
	p.Register.ReadMode = mode
	p.Duration, p.Recovery = d, 3*time.Second
	p.Nemesis.Interval = 2 * time.Second
	p.Nemesis.Faults = []nemesis.FaultSpec{isolateLeader}
	return p
}

// linResult is the linearizable checker's result.
func linResult(t *testing.T, r checkers.Results) checkers.Result {
	t.Helper()
	for _, res := range r.Results {
		if res.Checker == "linearizable" {
			return res
		}
	}
	t.Fatalf("no linearizable result among %+v", r.Results)
	return checkers.Result{}
}

// isolatedNodes lists the nodes the partitions cut off, in order.
func isolatedNodes(ops []history.Op) []string {
	var out []string
	for _, op := range ops {
		if op.F != history.FFaultStart {
			continue
		}
		if f, err := op.Fields(); err == nil && len(f.Groups) > 0 {
			for _, g := range f.Groups {
				if len(g) == 1 {
					out = append(out, g[0])
				}
			}
		}
	}
	return out
}

// Reads that skip the leader's quorum check (etcd serializable, Consul
// stale) are caught serving stale values when the leader is cut off; the
// failure points at linearizability.html from results.json and the report.
func TestRegisterStaleReadsFound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ target, mode string }{{"etcd", "serializable"}, {"consul", "stale"}} {
		t.Run(tc.target+"/"+tc.mode, func(t *testing.T) {
			t.Parallel()
			found, runs := 0, 3
			for i := 1; i <= runs && found < 2; i++ {
				out, ops := runPlan(t, registerPlan(tc.target, tc.mode, 20*time.Second))
				lin := linResult(t, out.Results)
				t.Logf("run %d: %s, %v register ops, isolated %v: %s", i, out.Results.Validity, lin.Figures["ops"], isolatedNodes(ops), lin.Summary)
				if out.Results.Validity != checkers.Invalid {
					continue
				}
				found++
				if len(lin.Anomalies) == 0 || lin.Anomalies[0].Kind != "not-linearizable" || len(lin.Anomalies[0].Ops) < 2 {
					t.Fatalf("invalid without a not-linearizable anomaly naming ops: %+v", lin)
				}
				t.Logf("  %s", lin.Anomalies[0].Message)
				assertLinearizabilityFile(t, out.Dir)
			}
			if found < 2 {
				t.Fatalf("stale reads found in %d runs, want 2 of at most %d", found, runs)
			}
		})
	}
}

// assertLinearizabilityFile checks that an invalid register run saved
// porcupine's visualization and points at it.
func assertLinearizabilityFile(t *testing.T, dir string) {
	t.Helper()
	if st, err := os.Stat(filepath.Join(dir, checkers.LinearizabilityFile)); err != nil || st.Size() < 1000 {
		t.Fatalf("no visualization: %v", err)
	}
	rf, err := reports.ReadResults(filepath.Join(dir, ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	if rf.Files["linearizable"] != checkers.LinearizabilityFile {
		t.Fatalf("results.json files: %v", rf.Files)
	}
	report, err := os.ReadFile(filepath.Join(dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`href="linearizability.html"`, "not-linearizable"} {
		if !strings.Contains(string(report), want) {
			t.Fatalf("report.html lacks %s", want)
		}
	}
}

// The negative controls: the same partitions with reads that go through
// the leader's quorum (etcd linearizable, Consul consistent) stay valid.
func TestRegisterLinearizableReadsValid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ target, mode string }{{"etcd", "linearizable"}, {"consul", "consistent"}} {
		t.Run(tc.target+"/"+tc.mode, func(t *testing.T) {
			t.Parallel()
			out, ops := runPlan(t, registerPlan(tc.target, tc.mode, 20*time.Second))
			lin := linResult(t, out.Results)
			t.Logf("%s, %v register ops on %v keys, isolated %v, checked in %.2f s", out.Results.Validity,
				lin.Figures["ops"], lin.Figures["keys"], isolatedNodes(ops), lin.Figures["check_s"])
			if out.Results.Validity != checkers.Valid || lin.Figures["ops"] < 200 || len(isolatedNodes(ops)) < 1 {
				t.Fatalf("%s: %+v", out.Results.Validity, out.Results.Results)
			}
		})
	}
}

// ZooKeeper: plain reads and sync-then-read under the same partitions.
// What they show is recorded (README, "ZooKeeper reads"); the test holds
// sync-then-read to linearizable and logs what plain reads did.
func TestRegisterZooKeeperReads(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"plain", "sync"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			out, ops := runPlan(t, registerPlan("zookeeper", mode, 20*time.Second))
			lin := linResult(t, out.Results)
			t.Logf("%s: %s, %v register ops, isolated %v: %s", mode, out.Results.Validity, lin.Figures["ops"], isolatedNodes(ops), lin.Summary)
			for _, a := range lin.Anomalies {
				t.Logf("  %s", a.Message)
			}
			if lin.Figures["ops"] < 200 || len(isolatedNodes(ops)) < 1 {
				t.Fatalf("the run tested little: %+v", out.Results.Results)
			}
			if mode == "sync" && out.Results.Validity != checkers.Valid {
				t.Fatalf("sync-then-read: %s", out.Results.Validity)
			}
		})
	}
}

// Both workloads in one run: the election checkers and linearizable all
// run, and the run ends valid on etcd's defaults.
func TestElectionAndRegister(t *testing.T) {
	t.Parallel()
	// The leader's node cut off every time (halves may leave it leading
	// the majority both times: no second grant to check).
	p := shortPlan(t, "etcd", "both", "token", isolateLeader)
	p.Workload = "election+register"
	out, _ := runPlan(t, p)
	var names []string
	for _, r := range out.Results.Results {
		names = append(names, r.Checker)
	}
	for _, want := range []string{"dual-leaders", "stale-writes", "liveness", "vacuity", "linearizable"} {
		if !slices.Contains(names, want) {
			t.Fatalf("checkers %v lack %s", names, want)
		}
	}
	if out.Results.Validity != checkers.Valid || figure(out.Results, "linearizable", "ops") < 200 || figure(out.Results, "token-order", "grants") < 2 {
		t.Fatalf("%s: %+v", out.Results.Validity, out.Results.Results)
	}
}
