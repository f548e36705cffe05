package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/bench"
)

func newBenchCmd(g *globals) *cobra.Command {
	benchCmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the backends",
		Args:  badArgs(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var (
		config  string
		values  = map[string]*string{}
		cfg     bench.FailoverConfig
		recipes []string
		outPath string
	)
	failover := &cobra.Command{
		Use:   "failover",
		Short: "Failover time after a pause and a kill of the leader's node, per backend and recipe",
		Long: `failover runs, for each backend, each recipe and each fault, the default
plan (or --config, with the plan flags over it) with that one fault on the
leader's node, and prints a Markdown table of the failovers: the time from
the fault taking effect to the next grant, median and max, with the
settings used. Each run keeps its run directory and report.

--recipes lists how the candidates elect: native, lease-timestamp[@TTL[/RENEW_EVERY]]
or lease-observed[@TTL[/RENEW_DEADLINE/RETRY_PERIOD]] (client-go's timings;
without '@', the plan's lease_ttl in client-go's 15:10:2 proportion). Each
fault is held at least the lease TTL + 5s, and a long lease lengthens its
runs' fault window to hold three faults.`,
		Example: `  chaos bench failover
  chaos bench failover --targets consul --faults kill --duration 2m
  chaos bench failover --recipes lease-observed@15s/10s/2s,lease-observed@4s/3s/1s,lease-timestamp@4s/1s`,
		Args: badArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			base, err := planFromFlags(cmd, config, values)
			if err != nil {
				return err
			}
			for _, r := range recipes {
				s, err := bench.ParseRecipeSetting(r)
				if err != nil {
					return fmt.Errorf("--recipes: %w", err) // bad input: exit 254
				}
				cfg.Recipes = append(cfg.Recipes, s)
			}
			cfg.Base, cfg.Progress, cfg.Log = base, g.stderr, g.logger()
			rows, err := bench.Failover(cmd.Context(), cfg)
			if err != nil && len(rows) == 0 {
				return err
			}
			if werr := bench.WriteFailoverTable(g.stdout, rows); werr != nil {
				return werr
			}
			if outPath != "" {
				f, ferr := os.Create(outPath)
				if ferr != nil {
					return ferr
				}
				defer f.Close()
				if werr := bench.WriteFailoverTable(f, rows); werr != nil {
					return werr
				}
			}
			return err
		},
	}
	f := failover.Flags()
	f.StringSliceVar(&cfg.Targets, "targets", nil, "backends to measure (default all)")
	f.StringSliceVar(&recipes, "recipes", nil, "how the candidates elect: native, lease-timestamp[@TTL[/RENEW_EVERY]], lease-observed[@TTL[/RENEW_DEADLINE/RETRY_PERIOD]] (default the plan's recipe: native)")
	f.StringSliceVar(&cfg.Faults, "faults", nil, "faults on the leader's node: pause, kill (default both)")
	f.DurationVar(&cfg.Hold, "hold", 8*time.Second, "how long each fault lasts at least (a row holds it its lease TTL + 5s when that is longer)")
	f.StringVar(&cfg.Root, "runs", "runs", "directory that holds the run directories")
	f.StringVar(&outPath, "out", "", "also write the table to this file")
	addPlanFlags(failover, &config, values)
	benchCmd.AddCommand(failover)
	return benchCmd
}
