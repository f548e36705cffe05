package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/matrix"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

func newMatrixCmd(g *globals) *cobra.Command {
	var (
		root      string
		keepGoing bool
		list      bool
	)
	cmd := &cobra.Command{
		Use:   "matrix FILE",
		Short: "Run a list of plans (targets × faults × settings) one after another, with a combined index and junit.xml",
		Long: `matrix expands FILE — a base plan, axes whose every combination is one run,
exclusions, and plan files — checks every plan before anything starts, then
runs them one after another as 'chaos run' would, under
RUNS/NAME/TIME/ (RUNS/NAME/latest points at it). Beside the runs it writes
index.html (every run's verdict, key figures and report), a combined
junit.xml (one test suite per run) and matrix.json, rewritten after each
run.

Without --keep-going it stops after the first run that is not valid.

Exit code: 1 if any run was invalid; else 255 if the harness failed on
any; else 2 if any run was unknown, interrupted or not run; else 0. A bad
matrix or plan exits 254 (named with file:line) and runs nothing.`,
		Example: `  chaos matrix examples/nightly-matrix.yaml --keep-going
  chaos matrix --list examples/nightly-matrix.yaml`,
		Args: badArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := plan.LoadMatrix(args[0])
			if err != nil {
				return err
			}
			if list {
				matrix.PrintList(g.stdout, m)
				return nil
			}
			out, err := matrix.Run(cmd.Context(), matrix.Config{
				Matrix: m, Root: root, KeepGoing: keepGoing, Progress: g.stderr, IsTTY: runner.IsTerminal(g.stderr), Log: g.logger(),
			})
			matrix.Print(g.stdout, out)
			if err != nil {
				return err
			}
			return out.Err()
		},
	}
	f := cmd.Flags()
	f.StringVar(&root, "runs", "runs", "directory that holds the run directories")
	f.BoolVar(&keepGoing, "keep-going", false, "run every plan even after one ends other than valid")
	f.BoolVar(&list, "list", false, "print the runs the matrix expands to, and run nothing")
	return cmd
}

func newReportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "report RUN_DIR",
		Short: "Rewrite a run's report.html and junit.xml from its saved files",
		Long: `report rebuilds report.html and junit.xml of a run directory (or of the run a
"latest" link in it points at) from its results.json, history.jsonl and
plan.yaml, e.g. after upgrading chaos; it does not check the history again
('chaos check' does). It exits 0 when the report was written, whatever the
run's verdict; 254 when RUN_DIR is not a run directory.`,
		Example: `  chaos report runs/latest`,
		Args:    badArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := runner.Report(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "verdict: %s\nreport:  %s\n", out.Validity, filepath.Join(out.Dir, runner.ReportFile))
			return nil
		},
	}
}
