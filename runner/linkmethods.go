package runner

import (
	"log/slog"

	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
)

// checkLinkMethods refuses a plan that delays the links between nodes in
// a way the cluster cannot (known once it is up: its network agents tell
// whether the kernel has netem), and logs how the delays will be applied.
func checkLinkMethods(pl plan.Plan, c runCluster, log *slog.Logger) error {
	if !pl.ShapesNodeLinks() {
		return nil
	}
	nl, ok := c.(nemesis.NodeLinks)
	if !ok { // the plan's validation refuses link faults on such clusters
		return nil
	}
	m := nl.LinkMethods()
	if err := pl.CheckLinkMethods(m); err != nil {
		return err
	}
	log.Info("links between nodes shaped by", "delay", m.Delay, "rate", m.Rate)
	return nil
}
