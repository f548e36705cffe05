package main

import (
	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

func newRunCmd(g *globals) *cobra.Command {
	var (
		config string
		root   string
		dryRun bool
		reuse  bool
		values = map[string]*string{}
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run a plan against a real cluster in Docker and check the history",
		Long: `run brings up the plan's backend cluster in Docker, runs one election
candidate per node and an observer, injects the plan's faults for its
duration, heals everything, lets the cluster recover, tears it down and
checks the history. Everything lands in runs/NAME/TIME/ (and runs/latest):
history.jsonl, results.json, junit.xml, report.html, plan.yaml (with the
seed) and logs/.

Without --config the default plan runs: etcd, 3 nodes, resource 'token', a
minute of partitions and leader pauses. Flags override the config file.
Ctrl-C heals every fault and removes every container before exiting.

A plan with 'cluster: external' runs against nodes the harness did not
start (examples/etcd-external.yaml): it injects only the faults the plan
grants, keeps its keys under external.prefix and removes them at the end.
Credentials come from the files and environment variables the plan names,
never from the command line.`,
		Example: `  chaos run
  chaos run --config examples/etcd-unfenced.yaml
  chaos run --resource none --duration 2m --seed 42
  chaos run --config staging.yaml --dry-run`,
		Args: badArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := planFromFlags(cmd, config, values)
			if err != nil {
				return err
			}
			out, err := runner.Run(cmd.Context(), runner.RunConfig{
				Plan: p, Root: root, Progress: g.stderr, IsTTY: runner.IsTerminal(g.stderr),
				Log: g.logger(), DryRun: dryRun, DryRunOut: g.stdout, Reuse: reuse,
			})
			if dryRun {
				return err
			}
			runner.PrintOutcome(g.stdout, out) // an interrupted run's verdict too
			if err != nil {
				return err
			}
			return out.Err()
		},
	}
	f := cmd.Flags()
	f.StringVar(&root, "runs", "runs", "directory that holds the run directories")
	f.BoolVar(&dryRun, "dry-run", false, "print what the run would do (nodes, access, keys, each fault and its heal) and do nothing")
	f.BoolVar(&reuse, "reuse", false, "run on an external cluster even when its key prefix is not empty (everything under it is removed at the end)")
	addPlanFlags(cmd, &config, values)
	return cmd
}

// addPlanFlags declares --config and the plan flags.
func addPlanFlags(cmd *cobra.Command, config *string, values map[string]*string) {
	f := cmd.Flags()
	f.StringVarP(config, "config", "c", "", "plan file (YAML); see examples/")
	for _, pf := range plan.Flags() {
		values[pf.Name] = f.String(pf.Name, "", pf.Usage)
		if pf.Name == "strict" {
			f.Lookup(pf.Name).NoOptDefVal = "true"
		}
	}
}

// planFromFlags is the default plan, overlaid by --config, overlaid by the
// plan flags given, validated.
func planFromFlags(cmd *cobra.Command, config string, values map[string]*string) (plan.Plan, error) {
	p := plan.Default()
	if config != "" {
		var err error
		if p, err = plan.Load(config, p); err != nil {
			return p, err
		}
	}
	for _, f := range plan.Flags() {
		if cmd.Flags().Changed(f.Name) {
			if err := p.SetFlag(f.Name, *values[f.Name]); err != nil {
				return p, err
			}
		}
	}
	return p, p.Validate()
}
