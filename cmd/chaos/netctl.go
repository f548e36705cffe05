package main

import (
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/compose/netctl"
)

// newNetctlCmd is `chaos netctl`, hidden: what the netctl sidecar runs
// inside a node's network namespace (see package compose/netctl). It
// changes only the nftables table "inet chaos" of the namespace it runs in.
func newNetctlCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:    "netctl",
		Short:  "Cut or restore links in the current network namespace (run by the netctl sidecar)",
		Hidden: true,
		Args:   cobra.NoArgs,
	}
	var from string
	drop := &cobra.Command{
		Use:   "drop --from IP[,IP...]",
		Short: "Drop every IPv4 packet from these sources, replacing the previous set (empty = clear)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			addrs, err := netctl.ParseAddrs(from)
			if err != nil {
				return fmt.Errorf("netctl drop: %w", err)
			}
			if err := netctl.Apply(addrs); err != nil {
				return fmt.Errorf("netctl drop: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "dropping from: %s\n", orNone(netctl.FormatAddrs(addrs)))
			return nil
		},
	}
	drop.Flags().StringVar(&from, "from", "", "comma-separated IPv4 sources to drop")
	_ = drop.MarkFlagRequired("from")
	clear := &cobra.Command{
		Use:   "clear",
		Short: "Drop nothing: delete the chaos nftables table",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := netctl.Clear(); err != nil {
				return fmt.Errorf("netctl clear: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), "dropping from: none")
			return nil
		},
	}
	show := &cobra.Command{
		Use:   "show",
		Short: "Print the sources dropped now and how many packets were dropped",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := netctl.Current()
			if err != nil {
				return fmt.Errorf("netctl show: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "dropping from: %s\npackets dropped: %d\n", orNone(netctl.FormatAddrs(st.Drop)), st.Packets)
			return nil
		},
	}
	var timeout time.Duration
	dial := &cobra.Command{
		Use:   "dial HOST:PORT",
		Short: "Open a TCP connection from this namespace (exit 0 when it connects): checks a cut",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			conn, err := net.DialTimeout("tcp", args[0], timeout)
			if err != nil {
				return fmt.Errorf("netctl dial: %w", err)
			}
			_ = conn.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "connected to %s\n", args[0])
			return nil
		},
	}
	dial.Flags().DurationVar(&timeout, "timeout", time.Second, "give up after this long")
	cmd.AddCommand(drop, clear, show, dial)
	return cmd
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
