// Command chaos is a Jepsen-style chaos test harness for leader election.
// It only parses flags: the work is done by package runner.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/runner"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The watcher is stopped and waited for before stop() cancels ctx, so
	// it never takes the end of the command for an interrupt (nor writes
	// to stderr after run returned).
	finished, watched := make(chan struct{}), make(chan struct{})
	defer func() { close(finished); <-watched }()
	go func() {
		defer close(watched)
		select {
		case <-ctx.Done():
			// The first signal heals and cleans up; a second one quits at once.
			stop()
			fmt.Fprintln(stderr, "chaos: interrupted: healing faults and removing containers (interrupt again to quit at once; `chaos down` removes leftovers)")
		case <-finished:
		}
	}()
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := runner.ExitCode(err)
	var verdict *runner.VerdictError
	if err != nil && !errors.As(err, &verdict) {
		fmt.Fprintf(stderr, "chaos: %v\n", err)
	}
	return code
}

// globals are the flags every command shares.
type globals struct {
	verbose bool
	stdout  io.Writer
	stderr  io.Writer
}

func (g *globals) logger() *slog.Logger {
	level := slog.LevelInfo
	if g.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: level}))
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "chaos",
		Short: "Jepsen-style chaos tests for leader election on etcd, ZooKeeper and Consul",
		Long: `chaos starts real election backends in Docker, runs candidates that campaign
for leadership and write with fencing tokens, injects faults (partitions,
pauses, kills, client pauses), records every operation in a history, and
checks it for dual leaders, stale-token writes and lost liveness.

Exit codes: 0 valid, 1 invalid, 2 unknown, 254 bad arguments, plan or input
file, 255 the harness itself failed, 130 interrupted (Ctrl-C or SIGTERM:
faults healed and everything removed; a second Ctrl-C quits at once).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "log debug detail to stderr")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return runner.BadInput(err) })
	root.AddCommand(
		newVersionCmd(g),
		newCheckCmd(g),
	)
	root.AddCommand(extraCommands(g)...)
	// Unknown commands and bad arguments are the user's: exit 254.
	root.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return runner.BadInput(fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath()))
		}
		return nil
	}
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	return root
}

// badArgs wraps a cobra positional-argument validator so that its errors
// exit 254.
func badArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		return runner.BadInput(v(cmd, args))
	}
}
