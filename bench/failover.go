package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

// FailoverConfig is one `chaos bench failover`: for each target, each
// recipe and each fault, one run of the default plan whose only fault is
// that fault on the leader: its node (pause, kill) or its candidate's own
// process (client-pause, client-kill).
type FailoverConfig struct {
	Targets []string // default: defaultTargets
	// Recipes are how the candidates elect; default: the base plan's
	// recipe (native in the default plan).
	Recipes []RecipeSetting
	Faults  []string // "pause", "kill" (default both), "client-pause", "client-kill"
	// Base is the plan each run starts from (its target, name, recipe
	// and faults are replaced); the zero value means DefaultPlan.
	Base plan.Plan
	// Hold is how long each fault lasts at least (0 = 8 s); a row whose
	// lease TTL needs more holds it TTL + 5 s (failoverPlan).
	Hold     time.Duration
	Root     string    // run directories go under Root/<run name>/ (failoverPlan)
	Progress io.Writer // plain progress lines (nil = none)
	Log      *slog.Logger
}

// FailoverRow is the outcome of one run of a failover benchmark.
type FailoverRow struct {
	Target, Fault string
	Recipe        RecipeSetting // the entry of FailoverConfig.Recipes
	Plan          plan.Plan     // as run: its recipe's timings, the fault's hold, the duration
	Dir           string
	Validity      checkers.Validity
	Failovers     int
	Unresolved    int // faults that removed the leader with no new grant before the end
	Survived      int // faults on the leader that the leader survived
	Median, Max   time.Duration
	Err           error // the run failed to produce a verdict
}

// Failover runs the failover benchmark: the time from a fault on the
// leader taking effect to the next grant, per backend, recipe and fault.
// For a client-kill that is from the crash of the leading candidate's
// process to the next grant: the crashed leader released nothing, so its
// successor waits out its lease. Every plan is built and validated before the first run: a bad
// one is an error (exit 254) naming its recipe entry, target and fault.
// A run that fails is reported in its row; the others still run.
func Failover(ctx context.Context, cfg FailoverConfig) ([]FailoverRow, error) {
	if len(cfg.Targets) == 0 {
		cfg.Targets = defaultTargets()
	}
	if len(cfg.Faults) == 0 {
		cfg.Faults = []string{"pause", "kill"}
	}
	if cfg.Base.Target == "" {
		cfg.Base = plan.Default()
	}
	if len(cfg.Recipes) == 0 {
		cfg.Recipes = []RecipeSetting{settingOf(cfg.Base)}
	}
	if cfg.Hold == 0 {
		cfg.Hold = 8 * time.Second
	}
	seen := map[string]bool{}
	for _, s := range cfg.Recipes {
		if seen[s.String()] {
			return nil, runner.BadInput(fmt.Errorf("bench failover: recipe %s listed twice", s))
		}
		seen[s.String()] = true
	}
	type job struct {
		p      plan.Plan
		recipe RecipeSetting
	}
	var jobs []job
	for _, target := range cfg.Targets {
		for _, s := range cfg.Recipes {
			for _, fault := range cfg.Faults {
				p, err := failoverPlan(cfg.Base, target, s, fault, cfg.Hold)
				if err != nil {
					return nil, fmt.Errorf("bench failover: %w", err)
				}
				jobs = append(jobs, job{p, s})
			}
		}
	}
	var rows []FailoverRow
	for i, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		p, f := j.p, j.p.Nemesis.Faults[0]
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "bench failover %d/%d: %s, %s, %s of %s held %s, %s of faults\n",
				i+1, len(jobs), p.Target, settingOf(p).Label(), f.Kind, victimOf(f.Kind), plan.FormatDuration(f.Duration), plan.FormatDuration(p.Duration))
		}
		out, err := runner.Run(ctx, runner.RunConfig{Plan: p, Root: cfg.Root, Log: cfg.Log})
		row := FailoverRow{Target: p.Target, Fault: f.Kind, Recipe: j.recipe, Plan: p, Dir: out.Dir, Err: err}
		if v, f, ok := liveness(out, err); ok {
			row.Validity = v
			row.Failovers = int(f["failovers"])
			row.Unresolved = int(f["failovers_unresolved"])
			row.Survived = int(f["faults_survived"])
			row.Median = seconds(f["failover_median_s"])
			row.Max = seconds(f["failover_max_s"])
		}
		rows = append(rows, row)
	}
	if ctx.Err() != nil {
		return rows, &runner.InterruptedError{What: "the benchmark", Stage: fmt.Sprintf("after %d of %d runs", len(rows), len(jobs))}
	}
	return rows, nil
}

// victimOf names what a fault of kind hits on the leader's side.
func victimOf(kind string) string {
	if nemesis.IsClientProcessFault(kind) {
		return "the leading candidate"
	}
	return "the leader's node"
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// liveness is a run's verdict and its liveness checker's figures; ok is
// false when the run ended without a verdict (an interrupted run that
// checked what it had recorded has one).
func liveness(out runner.RunOutcome, err error) (v checkers.Validity, figures map[string]float64, ok bool) {
	if err != nil && (!runner.IsInterrupted(err) || len(out.Results.Results) == 0) {
		return "", nil, false
	}
	for _, r := range out.Results.Results {
		if r.Checker == "liveness" {
			figures = r.Figures
		}
	}
	return out.Results.Validity, figures, true
}
