package bench

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/plan"
)

func TestWriteFailoverTable(t *testing.T) {
	p := plan.Default()
	p.SetTarget("consul")
	rows := []FailoverRow{
		{Target: "etcd", Fault: "pause", Plan: p, Validity: "valid", Failovers: 5, Survived: 1, Median: 5430 * time.Millisecond, Max: 6010 * time.Millisecond},
		{Target: "consul", Fault: "kill", Plan: p, Err: errors.New("cluster up: timeout\nlogs...")},
	}
	var b strings.Builder
	if err := WriteFailoverTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| backend | fault on the leader's node | failovers |",
		"| etcd | pause | 5 | 5.43 s | 6.01 s | 0 | 1 | valid |",
		"| consul | kill | | | | | | error: cluster up: timeout |",
		"Settings: 3 nodes, lease/session TTL 3s, resource token, one fault every 5s, held 8s, 1m of faults, 10s recovery.",
		"Consul: session lock-delay 1s, behavior release.",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "recipe") {
		t.Errorf("native rows alone have no recipe column nor recipe lines:\n%s", b.String())
	}
}

// Rows of several recipes: a recipe column with each setting as run, and
// a settings line per recipe with its timings, hold and fault window.
func TestWriteFailoverTableRecipes(t *testing.T) {
	var rows []FailoverRow
	for i, setting := range []string{"native", "lease-observed@15s/10s/2s", "lease-observed@4s/3s/1s", "lease-timestamp@4s/1s", "lease-observed"} {
		s, err := ParseRecipeSetting(setting)
		if err != nil {
			t.Fatal(err)
		}
		p, err := failoverPlan(plan.Default(), "zookeeper", s, "pause", 8*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, FailoverRow{Target: "zookeeper", Fault: "pause", Recipe: s, Plan: p, Validity: "valid",
			Failovers: 3 + i, Median: time.Duration(i+1) * time.Second, Max: time.Duration(i+2) * time.Second})
	}
	rows = append(rows, FailoverRow{Target: "etcd", Fault: "kill", Recipe: rows[1].Recipe, Plan: rows[1].Plan, Err: errors.New("run: boom")})
	var b strings.Builder
	if err := WriteFailoverTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| backend | recipe | fault on the leader's node | failovers | median | max | unresolved | survived | verdict |\n|---|---|---|---|---|---|---|---|---|\n",
		"| zookeeper | native | pause | 3 | 1.00 s | 2.00 s | 0 | 0 | valid |",
		"| zookeeper | lease-observed 15s/10s/2s | pause | 4 | 2.00 s | 3.00 s | 0 | 0 | valid |",
		"| zookeeper | lease-observed 4s/3s/1s | pause | 5 |",
		"| zookeeper | lease-timestamp 4s/1s | pause | 6 |",
		// Without '@': the base plan's TTL, 15:10:2.
		"| zookeeper | lease-observed 3s/2s/400ms | pause | 7 |",
		"| etcd | lease-observed 15s/10s/2s | kill | | | | | | error: run: boom |",
		"Settings: 3 nodes, resource token, one fault every 5s, 10s recovery; the lease TTL, the hold (at least the lease TTL + 5s) and the fault window of each recipe below.",
		"Recipe native: the backend's own, session TTL 3s; held 8s, 1m of faults.",
		"Recipe lease-observed 15s/10s/2s: client-go's LeaderElector, lease_ttl (LeaseDuration) 15s, renew_deadline 10s, retry_period 2s; held 20s, 1m21s of faults.",
		"Recipe lease-observed 4s/3s/1s: client-go's LeaderElector, lease_ttl (LeaseDuration) 4s, renew_deadline 3s, retry_period 1s; held 9s, 1m of faults.",
		"Recipe lease-timestamp 4s/1s: lease record, lease_ttl 4s, renew_every 1s, expiry by the holder's own clock; held 9s, 1m of faults.",
		"Backend settings are those of the shipped compose files",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Count(b.String(), "Recipe lease-observed 15s/10s/2s") != 1 || strings.Contains(b.String(), "lease/session TTL") {
		t.Errorf("one line per recipe, no common TTL line:\n%s", b.String())
	}
}
