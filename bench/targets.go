package bench

import (
	"slices"

	"github.com/chaos-election/chaos/plan"
)

// defaultTargets are the backends a benchmark runs when none is named:
// every target but kubernetes, which is asked for by name (--targets
// kubernetes) because its first run builds the kube-apiserver image.
func defaultTargets() []string {
	return slices.DeleteFunc(plan.Targets(), func(t string) bool { return t == plan.TargetKubernetes })
}
