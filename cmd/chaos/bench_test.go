package main

import (
	"strings"
	"testing"
)

// A bad --recipes entry, or one client-go refuses, exits 254 naming the
// flag or the entry, before anything runs.
func TestBenchFailoverBadRecipes(t *testing.T) {
	tests := []struct {
		recipes string
		want    string
	}{
		{"native,lease-observed@15s/10s", `--recipes: recipe setting "lease-observed@15s/10s": 2 durations after '@'`},
		{"raft", `--recipes: recipe setting "raft": unknown recipe "raft"`},
		{"lease-timestamp@4x", `--recipes: recipe setting "lease-timestamp@4x": "4x" is not a duration`},
		{"lease-observed@4s/3s/3s", `recipe lease-observed@4s/3s/3s, etcd with pause: plan: field "lease.retry_period": client-go needs renew_deadline (3s) > 1.2 × retry_period`},
	}
	for _, tt := range tests {
		code, out, errOut := chaos(t, "bench", "failover", "--targets", "etcd", "--runs", t.TempDir(), "--recipes", tt.recipes)
		if code != 254 || !strings.Contains(errOut, tt.want) || out != "" {
			t.Errorf("--recipes %s: exit %d, stdout %q, stderr %q; want 254 and %q", tt.recipes, code, out, errOut, tt.want)
		}
	}
}

// A bad --conditions entry exits 254 naming the flag and the entry,
// before anything runs.
func TestBenchLinksBadConditions(t *testing.T) {
	for cond, want := range map[string]string{
		"none,delay=x": `--conditions: link condition "delay=x": delay "x": want a positive duration`,
		"loss=1":       `--conditions: link condition "loss=1": loss "1": want a probability in (0, 1)`,
		"rate=1mbit":   `--conditions: link condition "rate=1mbit": unknown "rate"`,
	} {
		code, out, errOut := chaos(t, "bench", "links", "--targets", "etcd", "--runs", t.TempDir(), "--conditions", cond)
		if code != 254 || !strings.Contains(errOut, want) || out != "" {
			t.Errorf("--conditions %s: exit %d, stdout %q, stderr %q; want 254 and %q", cond, code, out, errOut, want)
		}
	}
}
