package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chaos-election/chaos/runner"
)

// extraCommands are the commands beyond version and check.
func extraCommands(g *globals) []*cobra.Command {
	return []*cobra.Command{newRunCmd(g), newMatrixCmd(g), newSweepCmd(g), newMergeCmd(g), newReportCmd(g), newDownCmd(g), newImagesCmd(g), newBenchCmd(g), newNetctlCmd()}
}

func newDownCmd(g *globals) *cobra.Command {
	var runID string
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Remove every container and network any chaos run left behind",
		Long: `down removes every container and network labelled io.chaos.project=chaos,
whichever run created it: the leftovers of a run that was killed with
SIGKILL or lost its machine. Runs clean up after themselves otherwise.
With --run ID (the run's id: the log's run=, the containers' names
chaos-ID-…) it removes only that run's, leaving the others' running.`,
		Args: badArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			removed, err := runner.Down(cmd.Context(), runID, g.logger())
			for _, r := range removed {
				fmt.Fprintf(g.stdout, "removed %s\n", r)
			}
			if err == nil && len(removed) == 0 {
				fmt.Fprintln(g.stdout, "nothing to remove")
			}
			return err
		},
	}
	cmd.Flags().StringVar(&runID, "run", "", "remove only this run's containers and network")
	return cmd
}

func newImagesCmd(g *globals) *cobra.Command {
	images := &cobra.Command{
		Use:   "images",
		Short: "Manage the backend images chaos builds without a registry",
		Args:  badArgs(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var cfg runner.ImagesConfig
	build := &cobra.Command{
		Use:   "build",
		Short: "Build the backend images and the network sidecar image (idempotent)",
		Long: `build compiles etcd, Consul and kube-apiserver (target kubernetes) from
their Go modules into images with no base layer, makes ZooKeeper's image
from Debian's packages with debootstrap (as root), and packs this (static)
chaos binary into the sidecar image that cuts links inside a node's
network namespace. Nothing is pulled. An image already built from the same
inputs is kept, so a second call takes seconds. The first build takes
about 12 minutes on 2 cores (Consul 6, kube-apiserver 4, ZooKeeper 1,
etcd 0.5). With -v the compiler's and debootstrap's output is shown.`,
		Args: badArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Log = g.logger()
			if g.verbose {
				cfg.Output = g.stderr
			}
			return runner.BuildImages(cmd.Context(), cfg)
		},
	}
	build.Flags().StringSliceVar(&cfg.Images, "image", nil,
		"images to build (default all): "+strings.Join(runner.ImageNames(), ", "))
	build.Flags().BoolVar(&cfg.Rebuild, "rebuild", false, "build even when the image is up to date")
	build.Flags().StringVar(&cfg.DebianMirror, "debian-mirror", "", "Debian mirror for the ZooKeeper image (default "+runner.DefaultDebianMirror+")")
	images.AddCommand(build)
	return images
}
