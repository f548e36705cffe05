package main

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/matrix"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
	"github.com/chaos-election/chaos/sweep"
)

func newMatrixCmd(g *globals) *cobra.Command {
	var (
		root      string
		keepGoing bool
		list      bool
		count     int
		seed      int64
		shardFlag string
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

--count N runs each plan N times ("CELL-r1" ... "CELL-rN"), each with its
own seed derived from --seed and the run's name; the index then shows each
cell's detection rate ("invalid 7/10"). --shard I/N runs only part I of N
of the list (run j goes to shard j mod N + 1), for N CI runners that each
take one part; 'chaos merge' combines their directories. Both need --seed,
the same on every shard, so that the shards agree on every run's seed.
--list prints the runs with their seeds (and a shard's marked *).

Exit code: 1 if any run was invalid; else 255 if the harness failed on
any; else 2 if any run was unknown, interrupted or not run; else 0. A bad
matrix or plan exits 254 (named with file:line) and runs nothing.`,
		Example: `  chaos matrix examples/nightly-matrix.yaml --keep-going
  chaos matrix --list examples/nightly-matrix.yaml
  chaos matrix examples/nightly-matrix.yaml --keep-going --count 10 --seed 20261203
  chaos matrix examples/nightly-matrix.yaml --keep-going --seed $(date +%Y%m%d) --shard 2/4`,
		Args: badArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			var shard plan.Shard
			if shardFlag != "" {
				s, err := plan.ParseShard(shardFlag)
				if err != nil {
					return err
				}
				shard = s
			}
			m, err := plan.LoadMatrix(args[0])
			if err != nil {
				return err
			}
			if m, err = m.Expand(count, seed, shard); err != nil {
				return err
			}
			if list {
				matrix.PrintList(g.stdout, m, shard)
				return nil
			}
			out, err := matrix.Run(cmd.Context(), matrix.Config{
				Matrix: m, Shard: shard, Root: root, KeepGoing: keepGoing, Progress: g.stderr, IsTTY: runner.IsTerminal(g.stderr), Log: g.logger(),
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
	f.IntVar(&count, "count", 1, "run each plan this many times, each with its own seed derived from --seed")
	f.Int64Var(&seed, "seed", 0, "the matrix's seed, from which every run's is derived (needed by --count > 1 and --shard)")
	f.StringVar(&shardFlag, "shard", "", "run only part I of N of the runs (\"2/4\"); 'chaos merge' combines the parts")
	return cmd
}

func newMergeCmd(g *globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "merge DIR...",
		Short: "Combine the directories of a matrix's (or a sweep's) shards into one directory",
		Long: `merge reads the matrix.json of each DIR — what 'chaos matrix --shard I/N'
left, or its "latest" link — and combines the shards into one matrix
directory, as if the whole matrix had run there: it copies every run
directory, and writes index.html, junit.xml and matrix.json over all the
runs in the matrix's order (by default under runs/NAME/TIME/, with
runs/NAME/latest and runs/index.html updated).

Shards of different matrix files, seeds, counts or totals, the same shard
twice, or runs that overlap are refused (exit 254, naming the directories
and the field that differs) and nothing is written. Missing shards or runs
are merged as "not run" and named.

The shards of a sweep ('chaos sweep --shard I/N') merge the same way, and
the merged directory gets the whole sweep's sweep.html, sweep.json and
junit.xml (one case per cell), as the sweep run in one place would have.

Exit code: that of the whole matrix — 1 if any run was invalid; else 255 if
the harness failed on any; else 2 if any run was unknown or not run (a
shard missing); else 0. Ctrl-C stops the copying (130): the runs not yet
copied are merged as not run.`,
		Example: `  chaos merge shards/*
  chaos merge runs-1/nightly/latest runs-2/nightly/latest --out merged`,
		Args: badArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if slices.ContainsFunc(args, sweep.IsSweep) {
				o, err := sweep.Merge(cmd.Context(), args, out, g.logger())
				sweep.Print(g.stdout, o)
				if err != nil {
					return err
				}
				return o.Err()
			}
			o, err := matrix.Merge(cmd.Context(), args, out, g.logger())
			matrix.Print(g.stdout, o)
			if err != nil {
				return err
			}
			return o.Err()
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the merged directory, new or empty (default runs/NAME/TIME/)")
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
