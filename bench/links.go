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

// DefaultLinkConditions are `chaos bench links`' columns: the control, a
// delay well below every backend's election timeout, a delay with jitter
// above them (etcd's 1 s election timeout, ZooKeeper's 1 s sync limit at a
// 500 ms tick, Consul's 1 s Raft heartbeat timeout), and 30% loss.
var DefaultLinkConditions = []LinkCondition{{}, {Delay: 50 * time.Millisecond}, {Delay: 1200 * time.Millisecond, Jitter: 600 * time.Millisecond}, {Loss: 0.3}}

// LinksConfig is one `chaos bench links`: for each target and each
// condition, one run of the default plan whose faults are that condition
// on the links of the leader's node, again and again.
type LinksConfig struct {
	Targets    []string        // default: defaultTargets
	Conditions []LinkCondition // default: DefaultLinkConditions
	// Base is the plan each run starts from (its target, name and faults
	// are replaced); the zero value means plan.Default().
	Base plan.Plan
	// Hold is how long each fault lasts (0 = 10 s).
	Hold     time.Duration
	Root     string    // run directories go under Root/<run name>/
	Progress io.Writer // plain progress lines (nil = none)
	Log      *slog.Logger
}

// LinksRow is the outcome of one run of a links benchmark.
type LinksRow struct {
	Target    string
	Condition LinkCondition
	Plan      plan.Plan // as run
	Dir       string
	Validity  checkers.Validity
	// Elections and ElectionsPerMinute count the grants; FalseFailovers
	// the new leaders no fault removed an old one for.
	Elections          int
	ElectionsPerMinute float64
	FalseFailovers     int
	LeadershipMedian   time.Duration
	LeadershipMax      time.Duration
	Err                error // the run failed to produce a verdict
}

// Links runs the links benchmark. Every plan is built and validated
// before the first run: a bad one is an error (exit 254) naming its
// target and condition. A run that fails (a delay the cluster cannot
// apply, say) is reported in its row; the others still run.
func Links(ctx context.Context, cfg LinksConfig) ([]LinksRow, error) {
	if len(cfg.Targets) == 0 {
		cfg.Targets = defaultTargets()
	}
	if len(cfg.Conditions) == 0 {
		cfg.Conditions = DefaultLinkConditions
	}
	if cfg.Base.Target == "" {
		cfg.Base = plan.Default()
	}
	if cfg.Hold == 0 {
		cfg.Hold = 10 * time.Second
	}
	var plans []plan.Plan
	var conds []LinkCondition
	for _, target := range cfg.Targets {
		for _, c := range cfg.Conditions {
			p, err := linksPlan(cfg.Base, target, c, cfg.Hold)
			if err != nil {
				return nil, fmt.Errorf("bench links: %w", err)
			}
			plans, conds = append(plans, p), append(conds, c)
		}
	}
	var rows []LinksRow
	for i, p := range plans {
		if ctx.Err() != nil {
			break
		}
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "bench links %d/%d: %s, %s on the leader's links, %s of faults\n",
				i+1, len(plans), p.Target, conds[i].Label(), plan.FormatDuration(p.Duration))
		}
		out, err := runner.Run(ctx, runner.RunConfig{Plan: p, Root: cfg.Root, Log: cfg.Log})
		row := LinksRow{Target: p.Target, Condition: conds[i], Plan: p, Dir: out.Dir, Err: err}
		if v, f, ok := liveness(out, err); ok {
			row.Validity = v
			row.Elections = int(f["elections"])
			row.ElectionsPerMinute = f["elections_per_minute"]
			row.FalseFailovers = int(f["false_failovers"])
			row.LeadershipMedian = seconds(f["leadership_median_s"])
			row.LeadershipMax = seconds(f["leadership_max_s"])
		}
		rows = append(rows, row)
	}
	if ctx.Err() != nil {
		return rows, &runner.InterruptedError{What: "the benchmark", Stage: fmt.Sprintf("after %d of %d runs", len(rows), len(plans))}
	}
	return rows, nil
}

// linksPlan is the plan of one row: base on target, its faults the
// condition on the leader's links held hold, one after another with the
// plan's interval between them; the control row has none.
func linksPlan(base plan.Plan, target string, c LinkCondition, hold time.Duration) (plan.Plan, error) {
	p := base
	p.SetTarget(target)
	p.Name = fmt.Sprintf("bench-links-%s-%s", target, c.slug())
	p.Nemesis.Faults = nil
	if f, ok := c.fault(hold); ok {
		p.Nemesis.Faults = []nemesis.FaultSpec{f}
	} else {
		p.Checks.AllowNoFaults = true // the control: a run without faults
	}
	if err := p.Validate(); err != nil {
		return plan.Plan{}, fmt.Errorf("%s with %s: %w", target, c, err)
	}
	return p, nil
}
