package main

import (
	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/runner"
)

// newNetctlCmd is `chaos netctl`, hidden: what the netctl sidecar runs
// inside a node's network namespace. Its arguments go to runner.Netctl
// as they are (drop --from IPs | clear | show | dial ADDR).
func newNetctlCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "netctl drop --from IP[,IP...] | clear | show | dial [--timeout D] HOST:PORT | agent [--listen ADDR] [--peers IP,...] [--peer-proxy] [--seed N]",
		Short:              "Cut or restore links in the current network namespace (run by the netctl sidecar)",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runner.Netctl(args, cmd.OutOrStdout())
		},
	}
}
