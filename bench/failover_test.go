package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

// A benchmark of an unknown target or fault, a recipe setting that
// fails client-go's checks or one listed twice is bad input, found before
// anything runs; the error names the recipe entry.
func TestBenchFailoverRejectsBadInput(t *testing.T) {
	tests := []struct {
		cfg  FailoverConfig
		want string
	}{
		{FailoverConfig{Targets: []string{"mongodb"}}, `unknown target "mongodb"`},
		{FailoverConfig{Faults: []string{"meteor"}}, "meteor"},
		{FailoverConfig{Recipes: []RecipeSetting{{Recipe: plan.RecipeLeaseObserved, LeaseTTL: 4 * time.Second, RenewDeadline: 3 * time.Second, RetryPeriod: 3 * time.Second}}},
			`recipe lease-observed@4s/3s/3s, etcd with pause: plan: field "lease.retry_period": client-go needs renew_deadline (3s) > 1.2 × retry_period`},
		{FailoverConfig{Recipes: []RecipeSetting{{Recipe: plan.RecipeLeaseObserved, LeaseTTL: 4500 * time.Millisecond}}},
			`recipe lease-observed@4.5s, etcd with pause: plan: field "lease_ttl": client-go records the lease duration in whole seconds`},
		{FailoverConfig{Recipes: []RecipeSetting{{Recipe: plan.RecipeLeaseTimestamp, LeaseTTL: 4 * time.Second, RenewEvery: 4 * time.Second}}},
			`recipe lease-timestamp@4s/4s, etcd with pause: plan: field "lease.renew_every": must be shorter than lease_ttl`},
		{FailoverConfig{Recipes: []RecipeSetting{NativeRecipe, {Recipe: "native"}}}, "recipe native listed twice"},
	}
	for _, tt := range tests {
		rows, err := Failover(context.Background(), tt.cfg)
		if err == nil || len(rows) != 0 || runner.ExitCode(err) != runner.ExitBadInput || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %d rows, %v (exit %d); want exit 254 and %q", tt.cfg, len(rows), err, runner.ExitCode(err), tt.want)
		}
	}
}

// The native rows are the plans of before the recipe axis: the default
// plan, its 8 s hold and 60 s window, named bench-failover-<target>-<fault>.
func TestFailoverPlanNative(t *testing.T) {
	for _, fault := range []string{"pause", "kill"} {
		p, err := failoverPlan(plan.Default(), "zookeeper", NativeRecipe, fault, 8*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		f := p.Nemesis.Faults
		if p.Name != "bench-failover-zookeeper-"+fault || p.Target != "zookeeper" || p.Recipe != plan.RecipeNative || p.Lease != (plan.Lease{}) ||
			p.LeaseTTL != 3*time.Second || p.Duration != 60*time.Second || p.Recovery != 10*time.Second ||
			len(f) != 1 || f[0].Kind != fault || f[0].Victim != "leader" || f[0].Duration != 8*time.Second {
			t.Errorf("%s: %+v", fault, p)
		}
	}
}

// A lease outlasting --hold lengthens the hold to the TTL + 5 s and the
// window to three such faults; a short one keeps the base window.
func TestFailoverPlanLease(t *testing.T) {
	tests := []struct {
		setting        string
		hold, duration time.Duration
		name           string
		lease          plan.Lease
	}{
		// 3 × (5 s interval + 1 s + 20 s + 1 s) = 81 s.
		{"lease-observed@15s/10s/2s", 20 * time.Second, 81 * time.Second, "bench-failover-etcd-lease-observed-15s-10s-2s-kill",
			plan.Lease{RenewDeadline: 10 * time.Second, RetryPeriod: 2 * time.Second}},
		{"lease-timestamp@15s/2s", 20 * time.Second, 81 * time.Second, "bench-failover-etcd-lease-timestamp-15s-2s-kill",
			plan.Lease{RenewEvery: 2 * time.Second}},
		// 9 s: 3 × 16 s fit the default 60 s.
		{"lease-observed@4s/3s/1s", 9 * time.Second, 60 * time.Second, "bench-failover-etcd-lease-observed-4s-3s-1s-kill",
			plan.Lease{RenewDeadline: 3 * time.Second, RetryPeriod: time.Second}},
		// The default plan's 3 s TTL: today's 8 s and 60 s, 15:10:2 timings.
		{"lease-observed", 8 * time.Second, 60 * time.Second, "bench-failover-etcd-lease-observed-kill", plan.Lease{}},
	}
	for _, tt := range tests {
		s, err := ParseRecipeSetting(tt.setting)
		if err != nil {
			t.Fatal(err)
		}
		p, err := failoverPlan(plan.Default(), "etcd", s, "kill", 8*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", tt.setting, err)
		}
		f := p.Nemesis.Faults[0]
		if f.Duration != tt.hold || p.Duration != tt.duration || p.Name != tt.name || p.Lease != tt.lease || p.Recipe != s.Recipe {
			t.Errorf("%s: hold %s, duration %s, name %s, lease %+v, recipe %s", tt.setting, f.Duration, p.Duration, p.Name, p.Lease, p.Recipe)
		}
		if f.Duration < p.LeaseTTL+5*time.Second {
			t.Errorf("%s: hold %s does not outlast the lease %s by 5 s", tt.setting, f.Duration, p.LeaseTTL)
		}
		if p.Nemesis.Interval+f.Needs() > p.Duration {
			t.Errorf("%s: the fault (%s with its budgets) does not fit %s", tt.setting, f.Needs(), p.Duration)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", tt.setting, err)
		}
	}
}

// A long --duration or --hold stays as given.
func TestFailoverPlanKeepsLongerSettings(t *testing.T) {
	base := plan.Default()
	base.Duration = 5 * time.Minute
	s, _ := ParseRecipeSetting("lease-observed@15s/10s/2s")
	p, err := failoverPlan(base, "consul", s, "pause", 30*time.Second)
	if err != nil || p.Duration != 5*time.Minute || p.Nemesis.Faults[0].Duration != 30*time.Second {
		t.Fatalf("%v: duration %s, hold %s", err, p.Duration, p.Nemesis.Faults[0].Duration)
	}
}

// Without --recipes the benchmark takes the base plan's recipe: native
// in the default plan, and a --config's lease recipe with its timings.
func TestFailoverDefaultRecipe(t *testing.T) {
	if got := settingOf(plan.Default()); got != NativeRecipe {
		t.Errorf("default plan: %+v", got)
	}
	base := plan.Default()
	base.Recipe, base.LeaseTTL, base.Lease = plan.RecipeLeaseObserved, 6*time.Second, plan.Lease{RetryPeriod: time.Second}
	if got := settingOf(base).String(); got != "lease-observed@6s/4s/1s" {
		t.Errorf("lease-observed base: %s", got)
	}
}

// Every row gets its own run directory name, and a long setting is cut
// to a valid one.
func TestRunName(t *testing.T) {
	seen := map[string]bool{}
	for _, target := range plan.Targets() {
		for _, setting := range []string{"native", "lease-observed", "lease-observed@15s/10s/2s", "lease-observed@4s/3s/1s", "lease-timestamp@15s/2s", "lease-timestamp@4s/1s", "lease-timestamp@1500ms/250ms"} {
			s, err := ParseRecipeSetting(setting)
			if err != nil {
				t.Fatal(err)
			}
			for _, fault := range []string{"pause", "kill"} {
				n := runName(target, s, fault)
				if !plan.ValidName(n) || seen[n] {
					t.Errorf("%s %s %s: %q (valid %v, seen %v)", target, setting, fault, n, plan.ValidName(n), seen[n])
				}
				seen[n] = true
			}
		}
	}
	if n := runName("etcd", RecipeSetting{Recipe: plan.RecipeLeaseObserved, LeaseTTL: time.Hour + time.Nanosecond, RenewDeadline: 59 * time.Minute, RetryPeriod: 10 * time.Minute}, "pause"); !plan.ValidName(n) {
		t.Errorf("long name %q not valid", n)
	}
	if n := runName("etcd", RecipeSetting{Recipe: plan.RecipeLeaseTimestamp, LeaseTTL: 3 * time.Second, RenewEvery: 300 * time.Microsecond}, "pause"); !plan.ValidName(n) {
		t.Errorf("name %q with µ not valid", n)
	}
}

// A client-kill row is a plan whose one fault crashes the leading
// candidate, held at least the lease TTL + 5 s (the successor waits the
// lease out), on every target: kubernetes with client-go's defaults too.
func TestFailoverClientKillPlan(t *testing.T) {
	for _, target := range []string{"etcd", "zookeeper", "consul", plan.TargetKubernetes} {
		p, err := failoverPlan(plan.Default(), target, NativeRecipe, "client-kill", 8*time.Second)
		if err != nil {
			if strings.Contains(err.Error(), "needs client-go") { // a -tags nokube build
				continue
			}
			t.Fatalf("%s: %v", target, err)
		}
		f := p.Nemesis.Faults
		if len(f) != 1 || f[0].Kind != "client-kill" || f[0].Victim != "leader" || f[0].Duration < p.LeaseTTL+leaseMargin ||
			p.Name != "bench-failover-"+target+"-client-kill" {
			t.Errorf("%s: %+v", target, p)
		}
	}
	defaults := RecipeSetting{Recipe: plan.RecipeLeaseObserved, LeaseTTL: 15 * time.Second, RenewDeadline: 10 * time.Second, RetryPeriod: 2 * time.Second}
	p, err := failoverPlan(plan.Default(), "etcd", defaults, "client-kill", 8*time.Second)
	if err != nil && !strings.Contains(err.Error(), "needs client-go") {
		t.Fatal(err)
	}
	if err == nil && p.Nemesis.Faults[0].Duration != 20*time.Second {
		t.Errorf("lease-observed 15s: held %s, want 20s", p.Nemesis.Faults[0].Duration)
	}
	if victimOf("client-kill") != "the leading candidate" || victimOf("kill") != "the leader's node" {
		t.Error("victimOf")
	}
}

// On target kubernetes the native recipe is client-go's elector: a
// --config's lease timings are what its rows run with (they once went,
// leaving the 15 : 10 : 2 proportion of the TTL), and the table says them.
func TestFailoverKubernetesKeepsClientGoTimings(t *testing.T) {
	base := plan.Default()
	base.SetTarget(plan.TargetKubernetes)
	base.LeaseTTL, base.Lease = 4*time.Second, plan.Lease{RenewDeadline: 3 * time.Second, RetryPeriod: time.Second}
	p, err := failoverPlan(base, plan.TargetKubernetes, settingOf(base), "client-kill", 8*time.Second)
	if err != nil {
		if strings.Contains(err.Error(), "needs client-go") {
			t.Skip("a -tags nokube build")
		}
		t.Fatal(err)
	}
	if got := p.Timings(); p.LeaseTTL != 4*time.Second || got.RenewDeadline != 3*time.Second || got.RetryPeriod != time.Second {
		t.Fatalf("the row runs %s / %+v, want 4s / 3s / 1s", p.LeaseTTL, got)
	}
	// Beside it an etcd row of the same base runs its own native recipe.
	if e, err := failoverPlan(base, "etcd", settingOf(base), "kill", 8*time.Second); err != nil || e.Lease != (plan.Lease{}) {
		t.Fatalf("etcd row of a kubernetes base: %v, lease %+v", err, e.Lease)
	}
	var b strings.Builder
	if err := WriteFailoverTable(&b, []FailoverRow{{Target: plan.TargetKubernetes, Fault: "client-kill", Plan: p, Validity: "valid", Failovers: 8}}); err != nil {
		t.Fatal(err)
	}
	if want := "Kubernetes: client-go's LeaderElector on a Lease, lease_ttl (LeaseDuration) 4s, renew_deadline 3s, retry_period 1s."; !strings.Contains(b.String(), want) {
		t.Errorf("table lacks %q:\n%s", want, b.String())
	}
}
