package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

func TestParseRecipeSetting(t *testing.T) {
	s := time.Second
	tests := []struct {
		in, canonical, label string
		want                 RecipeSetting
	}{
		{"native", "native", "native", RecipeSetting{Recipe: plan.RecipeNative}},
		{"lease-timestamp", "lease-timestamp", "lease-timestamp", RecipeSetting{Recipe: plan.RecipeLeaseTimestamp}},
		{"lease-timestamp@4s", "lease-timestamp@4s", "lease-timestamp 4s", RecipeSetting{Recipe: plan.RecipeLeaseTimestamp, LeaseTTL: 4 * s}},
		{"lease-timestamp@4s/1s", "lease-timestamp@4s/1s", "lease-timestamp 4s/1s", RecipeSetting{Recipe: plan.RecipeLeaseTimestamp, LeaseTTL: 4 * s, RenewEvery: s}},
		{" lease-timestamp@1500ms/250ms ", "lease-timestamp@1.5s/250ms", "lease-timestamp 1.5s/250ms",
			RecipeSetting{Recipe: plan.RecipeLeaseTimestamp, LeaseTTL: 1500 * time.Millisecond, RenewEvery: 250 * time.Millisecond}},
		{"lease-observed", "lease-observed", "lease-observed", RecipeSetting{Recipe: plan.RecipeLeaseObserved}},
		{"lease-observed@15s", "lease-observed@15s", "lease-observed 15s", RecipeSetting{Recipe: plan.RecipeLeaseObserved, LeaseTTL: 15 * s}},
		{"lease-observed@15s/10s/2s", "lease-observed@15s/10s/2s", "lease-observed 15s/10s/2s",
			RecipeSetting{Recipe: plan.RecipeLeaseObserved, LeaseTTL: 15 * s, RenewDeadline: 10 * s, RetryPeriod: 2 * s}},
		{"lease-observed@4s/3s/1s", "lease-observed@4s/3s/1s", "lease-observed 4s/3s/1s",
			RecipeSetting{Recipe: plan.RecipeLeaseObserved, LeaseTTL: 4 * s, RenewDeadline: 3 * s, RetryPeriod: s}},
		{"lease-observed@90s/60s/12s", "lease-observed@1m30s/1m/12s", "lease-observed 1m30s/1m/12s",
			RecipeSetting{Recipe: plan.RecipeLeaseObserved, LeaseTTL: 90 * s, RenewDeadline: 60 * s, RetryPeriod: 12 * s}},
	}
	for _, tt := range tests {
		got, err := ParseRecipeSetting(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%q: %+v, %v; want %+v", tt.in, got, err, tt.want)
			continue
		}
		if got.String() != tt.canonical || got.Label() != tt.label {
			t.Errorf("%q: String %q, Label %q; want %q, %q", tt.in, got.String(), got.Label(), tt.canonical, tt.label)
		}
		again, err := ParseRecipeSetting(got.String())
		if err != nil || again != got {
			t.Errorf("%q: round trip through %q gives %+v, %v", tt.in, got.String(), again, err)
		}
	}
	if (RecipeSetting{}).String() != "native" {
		t.Errorf("zero setting: %q", RecipeSetting{}.String())
	}
}

func TestParseRecipeSettingErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `recipe setting "": unknown recipe ""`},
		{"raft", `recipe setting "raft": unknown recipe "raft" (known: native, lease-timestamp, lease-observed)`},
		{"native@3s", `recipe setting "native@3s": native takes no timings`},
		{"lease-observed@", `recipe setting "lease-observed@": "" is not a duration`},
		{"lease-observed@15s/10s", `recipe setting "lease-observed@15s/10s": 2 durations after '@'; write lease-observed@TTL or lease-observed@TTL/RENEW_DEADLINE/RETRY_PERIOD`},
		{"lease-timestamp@4s/1s/1s", `recipe setting "lease-timestamp@4s/1s/1s": 3 durations after '@'; write lease-timestamp@TTL or lease-timestamp@TTL/RENEW_EVERY`},
		{"lease-timestamp@4 seconds", `recipe setting "lease-timestamp@4 seconds": "4 seconds" is not a duration`},
		{"lease-observed@4s/0s/1s", `recipe setting "lease-observed@4s/0s/1s": 0s must be positive`},
		{"lease-timestamp@-4s", `recipe setting "lease-timestamp@-4s": -4s must be positive`},
		{"Lease-Observed", `unknown recipe "Lease-Observed"`},
	}
	for _, tt := range tests {
		got, err := ParseRecipeSetting(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) || runner.ExitCode(err) != runner.ExitBadInput || got != (RecipeSetting{}) {
			t.Errorf("%q: %+v, %v (exit %d); want exit 254 and %q", tt.in, got, err, runner.ExitCode(err), tt.want)
		}
	}
}
