package plan

import (
	"fmt"

	"github.com/chaos-election/chaos/external/grant"
)

// checkNodeClocks checks the skews of a server node's clock (clock-skew
// with clock: node) against the cluster: a compose cluster cannot set
// one, an external one needs the commands of external.commands.clock-skew
// (the Docker grant does not cover it). They need no election workload
// and go with every recipe: the backend's own time is what they reach.
// Their other checks (clock-drift, an unknown clock) are
// nemesis.ValidateFault's.
func (p Plan) checkNodeClocks(bad func(field, format string, args ...any)) {
	for i, f := range p.Nemesis.Faults {
		if !f.NodeClock() {
			continue
		}
		field := fmt.Sprintf("nemesis.faults[%d].clock", i)
		switch {
		case p.Cluster != ClusterExternal:
			bad(field, "a server node's clock cannot be set on a compose cluster: the containers share the host's kernel clock; "+
				"skew a candidate's clock (clock: candidate, recipe lease-timestamp), or on cluster: external grant it with external.commands.%s", grant.FaultClockSkew)
		case grant.Grant(grant.FaultClockSkew, p.External.Commands, p.External.Docker) == "":
			bad(field, "a server node's clock is not granted on this external cluster: set external.commands.%s (a start that sets {host}'s clock by {offset} or {offset_seconds}, a heal that returns it to true time); "+
				"external.docker does not cover it (the containers share their host's kernel clock)", grant.FaultClockSkew)
		}
	}
}
