package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

func newCheckCmd(g *globals) *cobra.Command {
	var (
		cfg      runner.CheckConfig
		checks   plan.Checks
		asJSON   bool
		maxFalse int
		checkSet = []string{"strict", "allow-no-faults", "min-ops", "max-no-leader", "max-failover", "max-elections-per-minute", "max-false-failovers"}
	)
	cmd := &cobra.Command{
		Use:   "check PATH",
		Short: "Check a history (a run directory or a history.jsonl file) and print the verdict",
		Long: `check reads a history in the format of docs/history.md, written by 'chaos run'
or by your own application, runs every checker on it, prints a short summary
and writes results.json, junit.xml and report.html beside the history (or
beside --out).

The history is checked first: each line's fields, the invoke/completion
pairing, and the JSON type of every value field a checker reads (a token is
a non-negative integer: 7, not "7" or 7.0; a register key is a string), so
that nothing is silently dropped. A line that breaks a rule is malformed
input, e.g. history.jsonl:2: field "value.token": want a non-negative
integer, got JSON string "7". Unknown fields are ignored.

Checker options come from the flags; when none is given and PATH is a run
directory, from the plan saved in it.

Exit codes: 0 valid, 1 invalid, 2 unknown, 254 malformed input (named with
file:line), 255 the harness itself failed.`,
		Example: `  chaos check runs/latest
  chaos check --allow-no-faults --json my-app-history.jsonl`,
		Args: badArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg.Path = args[0]
			cfg.Log = g.logger()
			for _, name := range checkSet {
				if cmd.Flags().Changed(name) {
					cfg.Checks = &checks
				}
			}
			if cmd.Flags().Changed("max-false-failovers") {
				if err := checks.LimitFalseFailovers(maxFalse); err != nil {
					return runner.BadInput(fmt.Errorf("--max-false-failovers: %w", err))
				}
			}
			out, err := runner.Check(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(out.Results); err != nil {
					return fmt.Errorf("print results: %w", err)
				}
			} else {
				runner.PrintCheck(g.stdout, out)
			}
			return out.Err()
		},
	}
	f := cmd.Flags()
	f.StringVarP(&cfg.Out, "out", "o", "", "write results.json here instead of beside the history")
	f.BoolVar(&asJSON, "json", false, "print the results as JSON instead of a summary")
	f.BoolVar(&cfg.Strict, "strict", false, "fail on every leadership overlap, even one whose stale side was fenced off")
	f.BoolVar(&checks.AllowNoFaults, "allow-no-faults", false, "accept a history without nemesis faults (e.g. from an application)")
	f.IntVar(&checks.MinOps, "min-ops", 10, "fewer completed client operations than this makes the verdict unknown")
	f.DurationVar(&checks.MaxNoLeader, "max-no-leader", 0, "fail when a window without a leader is longer (0: no limit)")
	f.DurationVar(&checks.MaxFailover, "max-failover", 0, "fail when a failover takes longer (0: no limit)")
	f.Float64Var(&checks.MaxElectionsPerMinute, "max-elections-per-minute", 0, "fail when leadership flaps faster (0: no limit)")
	f.IntVar(&maxFalse, "max-false-failovers", 0, "fail when more leaders than this were replaced while no fault had removed them (unset: no limit)")
	return cmd
}
