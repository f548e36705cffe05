//go:build docker

package runner

import (
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

// leaderClockBack sets the leader's clock back by more than the lease: a
// lease-timestamp holder then stamps an expiry already past in true time.
var leaderClockBack = nemesis.FaultSpec{Kind: "clock-skew", Victim: "leader", Offset: -5 * time.Second, Duration: 6 * time.Second}

// leasePlan is a CI-size election plan on target with a lease recipe: a
// 3 s lease, 30 s of faults. client-go's timings are in its 15 : 10 : 2
// proportion (2 s, 400 ms); a lease-timestamp holder renews every second,
// as a home-grown lease often does (a third of the lease).
func leasePlan(t *testing.T, target, recipe, name, resource string, faults ...nemesis.FaultSpec) plan.Plan {
	p := shortPlan(t, target, recipe+"-"+name, resource, faults...)
	p.Recipe = recipe
	p.LeaseTTL = 3 * time.Second
	p.Duration = 30 * time.Second
	if recipe == plan.RecipeLeaseTimestamp {
		p.Lease.RenewEvery = time.Second
	}
	return p
}

// Issue 15, case 1: lease-timestamp with the leader's clock set back past
// the lease. Unfenced, two holders act at once: invalid in at least 4 of
// 5 runs. Fenced by token and in the backend: valid, the stale writes
// rejected and counted.
func TestLeaseTimestampClockSkew(t *testing.T) { forEachTarget(t, testLeaseTimestampClockSkew) }

func testLeaseTimestampClockSkew(t *testing.T, target string) {
	t.Run("none", func(t *testing.T) {
		t.Parallel()
		fourOfFive(t, "two holders caught", func(i int) bool {
			out, ops := runPlan(t, leasePlan(t, target, plan.RecipeLeaseTimestamp, "skew", "none", leaderClockBack))
			t.Logf("run %d: %s, %d leaderships, %v stale writes accepted: %s", i, out.Results.Validity,
				grants(ops), figure(out.Results, "stale-writes", "stale_accepted"), summary(out.Results, "dual-leaders"))
			if out.Results.Validity == checkers.Invalid {
				return true
			}
			logNonWrites(t, ops)
			return false
		})
	})
	for _, mode := range []string{"token", "backend"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			out, ops := runPlan(t, leasePlan(t, target, plan.RecipeLeaseTimestamp, "skew-"+mode, mode, leaderClockBack))
			stopped := figure(out.Results, "stale-writes", "stale_rejected") + figure(out.Results, "stale-writes", "stale_unknown")
			t.Logf("%s: %s, %d leaderships, %v stale writes rejected or unknown", mode, out.Results.Validity, grants(ops), stopped)
			if out.Results.Validity != checkers.Valid || grants(ops) < 2 {
				logNonWrites(t, ops)
				t.Fatalf("%s: %s: %+v", mode, out.Results.Validity, out.Results.Results)
			}
		})
	}
}

// Issue 15, case 2, the negative control: lease-observed (client-go)
// under the same clock fault, unfenced, stays valid, and the skew causes
// no failover: client-go trusts its own observations, not timestamps.
func TestLeaseObservedIgnoresClockSkew(t *testing.T) {
	forEachTarget(t, func(t *testing.T, target string) {
		out, ops := runPlan(t, leasePlan(t, target, plan.RecipeLeaseObserved, "skew", "none", leaderClockBack))
		t.Logf("%s, %d leaderships, %v failovers, %v faults survived", out.Results.Validity, grants(ops),
			figure(out.Results, "liveness", "failovers"), figure(out.Results, "liveness", "faults_survived"))
		if out.Results.Validity != checkers.Valid || figure(out.Results, "liveness", "failovers") != 0 || figure(out.Results, "liveness", "faults_survived") < 1 {
			logNonWrites(t, ops)
			t.Fatalf("%s: %+v", out.Results.Validity, out.Results.Results)
		}
	})
}

// Issue 15, case 3: lease-observed with the leader's client paused longer
// than the lease: unfenced, its writes land after another holder's,
// invalid in at least 4 of 5; fenced, valid.
func TestLeaseObservedClientPause(t *testing.T) {
	forEachTarget(t, func(t *testing.T, target string) {
		pause := nemesis.FaultSpec{Kind: "client-pause", Victim: "leader", Duration: 6 * time.Second}
		t.Run("none", func(t *testing.T) {
			t.Parallel()
			fourOfFive(t, "stale writes caught", func(i int) bool {
				p := leasePlan(t, target, plan.RecipeLeaseObserved, "pause", "none", pause)
				p.Duration = 20 * time.Second
				out, ops := runPlan(t, p)
				t.Logf("run %d: %s, %d leaderships, %v stale writes accepted", i, out.Results.Validity, grants(ops),
					figure(out.Results, "stale-writes", "stale_accepted"))
				if out.Results.Validity == checkers.Invalid {
					return true
				}
				logNonWrites(t, ops)
				return false
			})
		})
		t.Run("token", func(t *testing.T) {
			t.Parallel()
			p := leasePlan(t, target, plan.RecipeLeaseObserved, "pause-token", "token", pause)
			p.Duration = 20 * time.Second
			out, ops := runPlan(t, p)
			t.Logf("%s, %d leaderships, %v stale writes rejected", out.Results.Validity, grants(ops), figure(out.Results, "stale-writes", "stale_rejected"))
			if out.Results.Validity != checkers.Valid || grants(ops) < 2 {
				logNonWrites(t, ops)
				t.Fatalf("%s: %+v", out.Results.Validity, out.Results.Results)
			}
		})
	})
}

// Issue 15, case 4: a lease-timestamp follower whose clock runs 3.5 s
// ahead — more than the 3 s lease — takes the lease over before it ends:
// by its clock every expiry the holder stamps has passed, so at its first
// poll it takes a lease the holder renewed at most a second before, 2–3 s
// early in true time. (With an offset under the lease the takeover needs
// the follower's poll to fall late in the holder's renewal period; both
// run every second, so their phases can keep it from ever happening.)
// The run measures it (the liveness figures, from the took_over the
// campaign recorded), the report says it and marks it on the lanes, where
// the old holder, which learns it lost only at its next renewal, shows
// leading beside the new one. Fenced by token, the run stays valid.
func TestLeaseTimestampFollowerAhead(t *testing.T) {
	forEachTarget(t, func(t *testing.T, target string) {
		const offset = 3500 * time.Millisecond
		ahead := nemesis.FaultSpec{Kind: "clock-skew", Victim: "follower", Offset: offset, Duration: 6 * time.Second}
		p := leasePlan(t, target, plan.RecipeLeaseTimestamp, "ahead", "token", ahead)
		p.Duration = 12 * time.Second // one fault fits; its first poll takes over
		out, ops := runPlan(t, p)
		skewed := map[string]bool{} // the processes whose clock ran ahead
		for _, op := range ops {
			if f, ok := op.Fault(); ok && op.F == history.FFaultStart && f.Kind == "clock-skew" {
				skewed[f.Process] = true
			}
		}
		var early []time.Duration
		for _, op := range ops {
			if tk, ok := op.TookOver(); ok && tk.ExpiresInNanos > 0 {
				d := time.Duration(tk.ExpiresInNanos)
				t.Logf("op %d: %s took over from %s %v early", op.Index, op.Process, tk.From, d)
				if !skewed[op.Process] {
					t.Errorf("op %d: %s took over early, but its clock was not the one set ahead (%v)", op.Index, op.Process, skewed)
				}
				if d > p.LeaseTTL+200*time.Millisecond {
					t.Errorf("op %d: %v early, more than the lease (%v) it took over", op.Index, d, p.LeaseTTL)
				}
				early = append(early, d)
			}
		}
		t.Logf("%s, %d leaderships, %v early takeovers (max %v s), %v overlaps (longest %v s)", out.Results.Validity, grants(ops),
			figure(out.Results, "liveness", "takeovers_early"), figure(out.Results, "liveness", "takeover_early_max_s"),
			figure(out.Results, "dual-leaders", "overlaps"), figure(out.Results, "dual-leaders", "overlap_longest_s"))
		if len(early) == 0 || figure(out.Results, "liveness", "takeovers_early") != float64(len(early)) {
			logNonWrites(t, ops)
			t.Fatalf("no early takeover measured (figure %v, ops %d)", figure(out.Results, "liveness", "takeovers_early"), len(early))
		}
		if figure(out.Results, "dual-leaders", "overlaps") < 1 {
			t.Errorf("the old holder never showed leading beside the new one")
		}
		if out.Results.Validity != checkers.Valid {
			t.Errorf("fenced by token: %s: %+v", out.Results.Validity, out.Results.Results)
		}
		b, err := os.ReadFile(filepath.Join(out.Dir, ReportFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"took the lease over before the expiry its holder had stamped on it", `class="anom-note"`, "early-takeover"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("report.html lacks %q", want)
			}
		}
	})
}

// grants counts the campaigns granted.
func grants(ops []history.Op) int {
	n := 0
	for _, op := range ops {
		if op.F == history.FCampaign && op.Type == history.OK {
			n++
		}
	}
	return n
}

// summary is one checker's summary sentence.
func summary(r checkers.Results, checker string) string {
	for _, res := range r.Results {
		if res.Checker == checker {
			return res.Summary
		}
	}
	return ""
}
