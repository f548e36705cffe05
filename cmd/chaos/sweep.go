package main

import (
	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/matrix"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
	"github.com/chaos-election/chaos/sweep"
)

func newSweepCmd(g *globals) *cobra.Command {
	var (
		root  string
		count int
		seed  int64
		shard string
		list  bool
	)
	cmd := &cobra.Command{
		Use:   "sweep FILE",
		Short: "Run a timing setting over its values × fault settings, repeated, and plot each figure against the setting",
		Long: `sweep expands FILE — a base plan, one plan field swept over its values (the
setting: lease_ttl, a backend's timeout), fault lines (label → plan fields;
a fault value written Nx is N times the swept value) and a count of repeats
with fresh seeds — checks every plan before anything starts, then runs every
cell's repeats as 'chaos matrix --keep-going' would, under RUNS/NAME/TIME/.
Beside the runs it writes sweep.html (a plot per figure against the setting,
one line per fault line, every cell linking its runs' reports), sweep.json
(all of it), a junit.xml of one case per cell, and the matrix's index.html
and matrix.json, rewritten after each run. It prints each cell and, per
fault line, the smallest value with no unsafe run and no false failover.

--count and --seed override the file's count and seed; repeats (count > 1)
and --shard need a seed, so that every run's seed is the same wherever it
runs. --shard I/N runs every N-th run from the I-th; 'chaos merge' joins the
shards' directories into the whole sweep's.

Exit code as a matrix's: 1 if any run was invalid; else 255 if the harness
failed on any; else 2 if any run was unknown, interrupted or not run; else
0. A bad sweep file, plan or flag exits 254 (named with file:line) and runs
nothing.`,
		Example: `  chaos sweep examples/sweep-lease-ttl.yaml
  chaos sweep --count 5 --seed 7 examples/sweep-lease-ttl.yaml
  chaos sweep --shard 2/3 --seed 7 examples/sweep-lease-ttl.yaml
  chaos sweep --list examples/sweep-lease-ttl.yaml`,
		Args: badArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			sw, err := plan.LoadSweep(args[0])
			if err != nil {
				return err
			}
			var sh plan.Shard
			if shard != "" {
				if sh, err = plan.ParseShard(shard); err != nil {
					return err
				}
			}
			if sw, err = sw.Expand(count, seed, sh); err != nil {
				return err
			}
			if list {
				matrix.PrintList(g.stdout, sw.Matrix, sh)
				return nil
			}
			out, err := sweep.Run(cmd.Context(), sweep.Config{
				Sweep: sw, Shard: sh, Root: root, Progress: g.stderr, IsTTY: runner.IsTerminal(g.stderr), Log: g.logger(),
			})
			sweep.Print(g.stdout, out)
			if err != nil {
				return err
			}
			return out.Err()
		},
	}
	f := cmd.Flags()
	f.StringVar(&root, "runs", "runs", "directory that holds the run directories")
	f.IntVar(&count, "count", 0, "repeats of each cell, each with its own seed (0: the file's count, 1 when it has none)")
	f.Int64Var(&seed, "seed", 0, "seed the runs' seeds derive from (0: the file's seed)")
	f.StringVar(&shard, "shard", "", "run only shard I of N (I/N) of the runs; needs a seed")
	f.BoolVar(&list, "list", false, "print the runs the sweep expands to (this shard's, with --shard), and run nothing")
	return cmd
}
