package compose

import (
	"fmt"
	"strings"

	"github.com/moby/moby/client"
)

// Labels on every container and network chaos creates.
const (
	LabelProject = "io.chaos.project" // always ProjectValue
	LabelRun     = "io.chaos.run"     // the run id
	LabelNode    = "io.chaos.node"    // the node a container is, or serves (its network agent)
	LabelRole    = "io.chaos.role"    // "node" or "netagent"
	ProjectValue = "chaos"
	// LabelContentHash is set on the images BuildImages makes: a hash of
	// everything that went into them, so an unchanged image is not rebuilt.
	LabelContentHash = "io.chaos.content-hash"
)

const (
	roleNode     = "node"
	roleNetAgent = "netagent" // a node's network agent (netctl agent)
)

// checkRunID says whether id can be part of container and network names:
// 1-63 characters of [A-Za-z0-9_.-], starting with a letter or digit.
// ValidRunID checks a run id as the labels take it: nil when it is one.
func ValidRunID(id string) error { return checkRunID(id) }

func checkRunID(id string) error {
	ok := len(id) >= 1 && len(id) <= 63
	for i, r := range id {
		alnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !alnum && (i == 0 || !strings.ContainsRune("_.-", r)) {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("run id %q: want 1-63 characters of [A-Za-z0-9_.-], starting with a letter or digit", id)
	}
	return nil
}

// prefix is the name of a run's network and the prefix of its containers.
func prefix(runID string) string { return "chaos-" + runID }

// projectFilter selects everything chaos created: the project label and
// a run label. The run label matters: the images chaos builds carry the
// project label too, and every container made from them inherits it — a
// user's own cluster run from those images (by hand, or as an external
// cluster) is not chaos's to remove.
func projectFilter() client.Filters {
	return make(client.Filters).Add("label", LabelProject+"="+ProjectValue, LabelRun)
}

// runFilter selects everything one run created.
func runFilter(runID string) client.Filters {
	return make(client.Filters).Add("label", LabelProject+"="+ProjectValue, LabelRun+"="+runID)
}
