package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/bench"
	"github.com/chaos-election/chaos/runner"
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

--faults client-pause and client-kill act on the leading candidate's own
process instead: a freeze (a GC pause), or a crash that releases nothing
(a controller pod that dies), so its successor waits out its lease; the
candidate restarts fresh at the heal.

--recipes lists how the candidates elect: native, lease-timestamp[@TTL[/RENEW_EVERY]]
or lease-observed[@TTL[/RENEW_DEADLINE/RETRY_PERIOD]] (client-go's timings;
without '@', the plan's lease_ttl in client-go's 15:10:2 proportion). Each
fault is held at least the lease TTL + 5s, and a long lease lengthens its
runs' fault window to hold three faults.`,
		Example: `  chaos bench failover
  chaos bench failover --targets consul --faults kill --duration 2m
  chaos bench failover --targets kubernetes --faults client-kill --config examples/kubernetes-default.yaml
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
				if werr := writeFile(outPath, func(w io.Writer) error { return bench.WriteFailoverTable(w, rows) }); werr != nil {
					return werr
				}
			}
			return err
		},
	}
	f := failover.Flags()
	f.StringSliceVar(&cfg.Targets, "targets", nil, "backends to measure (default etcd, zookeeper, consul; kubernetes by name)")
	f.StringSliceVar(&recipes, "recipes", nil, "how the candidates elect: native, lease-timestamp[@TTL[/RENEW_EVERY]], lease-observed[@TTL[/RENEW_DEADLINE/RETRY_PERIOD]] (default the plan's recipe: native)")
	f.StringSliceVar(&cfg.Faults, "faults", nil, "faults on the leader: pause, kill of its node (default both); client-pause, client-kill of its candidate's process")
	f.DurationVar(&cfg.Hold, "hold", 8*time.Second, "how long each fault lasts at least (a row holds it its lease TTL + 5s when that is longer)")
	f.StringVar(&cfg.Root, "runs", "runs", "directory that holds the run directories")
	f.StringVar(&outPath, "out", "", "also write the table to this file")
	addPlanFlags(failover, &config, values)
	benchCmd.AddCommand(failover, newBenchLinksCmd(g))
	return benchCmd
}

// newBenchLinksCmd is `chaos bench links`: elections and false failovers
// under delay and loss on the leader's links, per backend.
func newBenchLinksCmd(g *globals) *cobra.Command {
	var (
		config     string
		values     = map[string]*string{}
		cfg        bench.LinksConfig
		conditions []string
		outPath    string
	)
	cmd := &cobra.Command{
		Use:   "links",
		Short: "Elections and false failovers under delay and loss on the leader's links, per backend",
		Long: `links runs, for each backend and each condition, the default plan (or
--config, with the plan flags over it) whose faults are that condition on
the links between the leader's node and the others (link-delay or
link-loss, shape isolate-leader), held --hold each, again and again; the
condition "none" is the control, a run without faults. It prints a
Markdown table of the elections, elections per minute, false failovers (a
new leader while no fault removed the old one) and leaderships, and how
many more elections each condition had than its backend's control.

--conditions: none, delay=D[/JITTER], loss=P (default
none,delay=50ms,delay=1200ms/600ms,loss=0.3: below and above the
backends' 1 s election timeouts).`,
		Example: `  chaos bench links
  chaos bench links --targets etcd --conditions none,delay=2s/1s --duration 2m`,
		Args: badArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			base, err := planFromFlags(cmd, config, values)
			if err != nil {
				return err
			}
			for _, c := range conditions {
				lc, err := bench.ParseLinkCondition(c)
				if err != nil {
					return runner.BadInput(fmt.Errorf("--conditions: %w", err))
				}
				cfg.Conditions = append(cfg.Conditions, lc)
			}
			cfg.Base, cfg.Progress, cfg.Log = base, g.stderr, g.logger()
			rows, err := bench.Links(cmd.Context(), cfg)
			if err != nil && len(rows) == 0 {
				return err
			}
			if werr := bench.WriteLinksTable(g.stdout, rows); werr != nil {
				return werr
			}
			if outPath != "" {
				if werr := writeFile(outPath, func(w io.Writer) error { return bench.WriteLinksTable(w, rows) }); werr != nil {
					return werr
				}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&cfg.Targets, "targets", nil, "backends to measure (default etcd, zookeeper, consul; kubernetes by name)")
	f.StringSliceVar(&conditions, "conditions", nil, "what the leader's links suffer: none, delay=D[/JITTER], loss=P (default none,delay=50ms,delay=1200ms/600ms,loss=0.3)")
	f.DurationVar(&cfg.Hold, "hold", 10*time.Second, "how long each fault lasts")
	f.StringVar(&cfg.Root, "runs", "runs", "directory that holds the run directories")
	f.StringVar(&outPath, "out", "", "also write the table to this file")
	addPlanFlags(cmd, &config, values)
	return cmd
}

// writeFile creates path and writes it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(write(f), f.Close())
}
