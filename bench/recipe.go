package bench

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

// RecipeSetting is one entry of the benchmark's recipe axis: how the
// candidates elect, with the lease recipes' timings. It is written
// (ParseRecipeSetting, String)
//
//	native
//	lease-timestamp[@TTL[/RENEW_EVERY]]
//	lease-observed[@TTL[/RENEW_DEADLINE/RETRY_PERIOD]]
//
// A zero duration is the base plan's: LeaseTTL its lease_ttl, the others
// the 15 : 10 : 2 proportion of client-go's defaults to the lease TTL
// (plan.Plan.Timings). The timings are only written with a LeaseTTL.
type RecipeSetting struct {
	// Recipe is plan.RecipeNative, plan.RecipeLeaseTimestamp or
	// plan.RecipeLeaseObserved; "" is native.
	Recipe string
	// LeaseTTL is the lease recipes' lease duration (plan lease_ttl).
	LeaseTTL time.Duration
	// RenewEvery is how often a lease-timestamp holder renews.
	RenewEvery time.Duration
	// RenewDeadline and RetryPeriod are client-go's (lease-observed).
	RenewDeadline, RetryPeriod time.Duration
}

// NativeRecipe is the backend's own recipe, the benchmark's default.
var NativeRecipe = RecipeSetting{Recipe: plan.RecipeNative}

// ParseRecipeSetting reads one recipe setting ("lease-observed@4s/3s/1s");
// its error names the entry and is bad input (exit 254).
func ParseRecipeSetting(s string) (RecipeSetting, error) {
	rs, err := parseRecipeSetting(strings.TrimSpace(s))
	if err != nil {
		return RecipeSetting{}, runner.BadInput(fmt.Errorf("recipe setting %q: %w", s, err))
	}
	return rs, nil
}

func parseRecipeSetting(s string) (RecipeSetting, error) {
	name, timings, hasTimings := strings.Cut(s, "@")
	rs := RecipeSetting{Recipe: name}
	var want int // how many durations after the TTL
	var form string
	switch name {
	case plan.RecipeNative:
		if hasTimings {
			return rs, fmt.Errorf("native takes no timings: the backend keeps its own session (the plan's lease_ttl sets its TTL)")
		}
		return rs, nil
	case plan.RecipeLeaseTimestamp:
		want, form = 1, "lease-timestamp@TTL or lease-timestamp@TTL/RENEW_EVERY"
	case plan.RecipeLeaseObserved:
		want, form = 2, "lease-observed@TTL or lease-observed@TTL/RENEW_DEADLINE/RETRY_PERIOD"
	default:
		return rs, fmt.Errorf("unknown recipe %q (known: %s, %s, %s)", name, plan.RecipeNative, plan.RecipeLeaseTimestamp, plan.RecipeLeaseObserved)
	}
	if !hasTimings {
		return rs, nil
	}
	parts := strings.Split(timings, "/")
	if len(parts) != 1 && len(parts) != 1+want {
		return rs, fmt.Errorf("%d durations after '@'; write %s", len(parts), form)
	}
	ds := make([]time.Duration, len(parts))
	for i, p := range parts {
		d, err := time.ParseDuration(p)
		if err != nil {
			return rs, fmt.Errorf("%q is not a duration (such as 4s or 500ms); write %s", p, form)
		}
		if d <= 0 {
			return rs, fmt.Errorf("%s must be positive", p)
		}
		ds[i] = d
	}
	rs.LeaseTTL = ds[0]
	if len(ds) > 1 {
		if name == plan.RecipeLeaseTimestamp {
			rs.RenewEvery = ds[1]
		} else {
			rs.RenewDeadline, rs.RetryPeriod = ds[1], ds[2]
		}
	}
	return rs, nil
}

// String is the setting as ParseRecipeSetting reads it:
// "lease-observed@15s/10s/2s", "lease-timestamp", "native".
func (s RecipeSetting) String() string {
	name := s.recipe()
	if name == plan.RecipeNative || s.LeaseTTL == 0 {
		return name
	}
	return name + "@" + s.timings()
}

// Label is the setting in the table's recipe column:
// "lease-observed 4s/3s/1s", "native".
func (s RecipeSetting) Label() string {
	return strings.Replace(s.String(), "@", " ", 1)
}

// timings is "TTL[/…]" of a setting with a LeaseTTL.
func (s RecipeSetting) timings() string {
	t := plan.FormatDuration(s.LeaseTTL)
	switch {
	case s.recipe() == plan.RecipeLeaseTimestamp && s.RenewEvery != 0:
		t += "/" + plan.FormatDuration(s.RenewEvery)
	case s.recipe() == plan.RecipeLeaseObserved && (s.RenewDeadline != 0 || s.RetryPeriod != 0):
		t += "/" + plan.FormatDuration(s.RenewDeadline) + "/" + plan.FormatDuration(s.RetryPeriod)
	}
	return t
}

func (s RecipeSetting) recipe() string {
	if s.Recipe == "" {
		return plan.RecipeNative
	}
	return s.Recipe
}

// apply sets the recipe and its timings on p: a zero LeaseTTL keeps p's,
// zero timings are the 15 : 10 : 2 defaults. The native recipe of target
// kubernetes keeps p's lease timings (client-go's RenewDeadline and
// RetryPeriod, from the base plan): they once went, so that a --config
// with 4s/3s/1s ran with 4s and the 15 : 10 : 2 proportion of it.
func (s RecipeSetting) apply(p *plan.Plan) {
	p.Recipe = s.recipe()
	if p.Recipe == plan.RecipeNative && p.Target == plan.TargetKubernetes {
		return // its native recipe is client-go's elector: the base plan's lease timings are its own
	}
	p.Lease = plan.Lease{RenewEvery: s.RenewEvery, RenewDeadline: s.RenewDeadline, RetryPeriod: s.RetryPeriod}
	if p.Recipe != plan.RecipeNative && s.LeaseTTL != 0 {
		p.LeaseTTL = s.LeaseTTL
	}
}

// settingOf is the recipe setting of p with every timing filled, as the
// run uses it: what the table shows.
func settingOf(p plan.Plan) RecipeSetting {
	if !p.LeaseRecipe() {
		return NativeRecipe
	}
	s := RecipeSetting{Recipe: p.Recipe, LeaseTTL: p.LeaseTTL}
	t := p.Timings()
	if p.Recipe == plan.RecipeLeaseTimestamp {
		s.RenewEvery = t.RenewEvery
	} else {
		s.RenewDeadline, s.RetryPeriod = t.RenewDeadline, t.RetryPeriod
	}
	return s
}

// runName names the run of one row: bench-failover-<target>-<fault> for
// the native recipe (as before there was a recipe axis), otherwise
// bench-failover-<target>-<setting>-<fault>, the setting's '@' and '/'
// as '-' ("bench-failover-etcd-lease-observed-4s-3s-1s-pause"). A name
// too long for a run directory keeps its start and a hash of the whole.
func runName(target string, s RecipeSetting, fault string) string {
	name := "bench-failover-" + target + "-" + fault
	if s.recipe() != plan.RecipeNative {
		name = "bench-failover-" + target + "-" + s.String() + "-" + fault
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '-'
	}, name)
	if !plan.ValidName(name) {
		h := fnv.New32a()
		h.Write([]byte(name))
		name = fmt.Sprintf("%.55s-%08x", name, h.Sum32())
	}
	return name
}
