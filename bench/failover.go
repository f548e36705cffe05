package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

// FailoverConfig is one `chaos bench failover`: for each target and each
// fault, one run of the default plan whose only fault is that fault on the
// leader's node.
type FailoverConfig struct {
	Targets []string // default: every known target
	Faults  []string // "pause", "kill"; default both
	// Base is the plan each run starts from (its target, name and faults
	// are replaced); the zero value means DefaultPlan.
	Base     plan.Plan
	Hold     time.Duration // how long each fault lasts (0 = 8 s)
	Root     string        // run directories go under Root/bench-failover-<target>-<fault>/
	Progress io.Writer     // plain progress lines (nil = none)
	Log      *slog.Logger
}

// FailoverRow is the outcome of one run of a failover benchmark.
type FailoverRow struct {
	Target, Fault string
	Plan          plan.Plan // as run, seed included
	Dir           string
	Validity      checkers.Validity
	Failovers     int
	Unresolved    int // faults that removed the leader with no new grant before the end
	Survived      int // faults on the leader's node that the leader survived
	Median, Max   time.Duration
	Err           error // the run failed to produce a verdict
}

// Failover runs the failover benchmark: the time from a fault on the
// leader's node taking effect to the next grant, per backend and fault.
// A run that fails is reported in its row; the others still run.
func Failover(ctx context.Context, cfg FailoverConfig) ([]FailoverRow, error) {
	if len(cfg.Targets) == 0 {
		cfg.Targets = plan.Targets()
	}
	if len(cfg.Faults) == 0 {
		cfg.Faults = []string{"pause", "kill"}
	}
	if cfg.Base.Target == "" {
		cfg.Base = plan.Default()
	}
	if cfg.Hold == 0 {
		cfg.Hold = 8 * time.Second
	}
	var plans []plan.Plan
	for _, target := range cfg.Targets {
		for _, fault := range cfg.Faults {
			p := cfg.Base
			p.SetTarget(target)
			p.Name = "bench-failover-" + target + "-" + fault
			p.Nemesis.Faults = []nemesis.FaultSpec{{Kind: fault, Victim: "leader", Duration: cfg.Hold}}
			if err := p.Validate(); err != nil {
				return nil, fmt.Errorf("bench failover: %s with %s: %w", target, fault, err)
			}
			plans = append(plans, p)
		}
	}
	var rows []FailoverRow
	for i, p := range plans {
		if ctx.Err() != nil {
			break
		}
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "bench failover %d/%d: %s, %s of the leader's node, %s\n",
				i+1, len(plans), p.Target, p.Nemesis.Faults[0].Kind, plan.FormatDuration(p.Duration))
		}
		out, err := runner.Run(ctx, runner.RunConfig{Plan: p, Root: cfg.Root, Log: cfg.Log})
		row := FailoverRow{Target: p.Target, Fault: p.Nemesis.Faults[0].Kind, Plan: p, Dir: out.Dir, Err: err}
		if err == nil || runner.IsInterrupted(err) && len(out.Results.Results) > 0 {
			row.Validity = out.Results.Validity
			for _, r := range out.Results.Results {
				if r.Checker == "liveness" {
					row.Failovers = int(r.Figures["failovers"])
					row.Unresolved = int(r.Figures["failovers_unresolved"])
					row.Survived = int(r.Figures["faults_survived"])
					row.Median = seconds(r.Figures["failover_median_s"])
					row.Max = seconds(r.Figures["failover_max_s"])
				}
			}
		}
		rows = append(rows, row)
	}
	if ctx.Err() != nil {
		return rows, &runner.InterruptedError{What: "the benchmark", Stage: fmt.Sprintf("after %d of %d runs", len(rows), len(plans))}
	}
	return rows, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// WriteFailoverTable writes rows as a Markdown table, with the settings
// the runs used.
func WriteFailoverTable(w io.Writer, rows []FailoverRow) error {
	var b strings.Builder
	b.WriteString("| backend | fault on the leader's node | failovers | median | max | unresolved | survived | verdict |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		if r.Err != nil {
			fmt.Fprintf(&b, "| %s | %s | | | | | | error: %v |\n", r.Target, r.Fault, firstLineOf(r.Err.Error()))
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %.2f s | %.2f s | %d | %d | %s |\n",
			r.Target, r.Fault, r.Failovers, r.Median.Seconds(), r.Max.Seconds(), r.Unresolved, r.Survived, r.Validity)
	}
	if len(rows) > 0 {
		p := rows[0].Plan
		fmt.Fprintf(&b, "\nSettings: %d nodes, lease/session TTL %s, resource %s, one fault every %s, held %s, %s of faults, %s recovery.\n",
			p.Nodes, plan.FormatDuration(p.LeaseTTL), p.Resource, plan.FormatDuration(p.Nemesis.Interval),
			plan.FormatDuration(p.Nemesis.Faults[0].Duration), plan.FormatDuration(p.Duration), plan.FormatDuration(p.Recovery))
		for _, r := range rows {
			if r.Target == "consul" {
				fmt.Fprintf(&b, "Consul: session lock-delay %s, behavior %s.\n", plan.FormatDuration(r.Plan.Consul.LockDelay), r.Plan.Consul.Behavior)
				break
			}
		}
		b.WriteString("Backend settings are those of the shipped compose files (compose/files/).\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
