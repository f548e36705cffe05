package plan

import (
	"fmt"

	"github.com/chaos-election/chaos/netfault"
)

// DelaysNodeLinks says whether the plan delays the links between nodes
// (link-delay): the cluster then needs a way to delay, known only once it
// is up ([Plan.CheckLinkMethods]).
func (p Plan) DelaysNodeLinks() bool { return p.hasFault("link-delay") }

// ShapesNodeLinks says whether the plan delays or limits the bandwidth of
// the links between nodes (link-delay, link-rate): how the cluster can do
// it is known only once it is up ([Plan.CheckLinkMethods]).
func (p Plan) ShapesNodeLinks() bool { return p.hasFault("link-delay") || p.hasFault("link-rate") }

func (p Plan) hasFault(kind string) bool {
	for _, f := range p.Nemesis.Faults {
		if f.Kind == kind {
			return true
		}
	}
	return false
}

// CheckLinkMethods checks the plan's delays of the links between nodes
// against how the cluster can apply them, which its network agents tell
// once it is up: a delay needs a method, and the user-space proxy (the
// method where the kernel has no netem) carries TCP only, so it cannot
// reach Consul's Serf gossip (UDP) — such a plan is refused rather than
// run without effect. A bandwidth limit (link-rate) needs htb. The error
// is a plan error at the fault's kind.
func (p Plan) CheckLinkMethods(m netfault.Methods) error {
	var errs Errors
	for i, f := range p.Nemesis.Faults {
		field := fmt.Sprintf("nemesis.faults[%d].kind", i)
		if f.Kind == "link-rate" && m.Rate == "" {
			errs = append(errs, p.fieldError(field, "this cluster cannot limit the bandwidth of the links between its nodes: %s", m.NoRate))
		}
		if f.Kind != "link-delay" {
			continue
		}
		switch {
		case m.Delay == "":
			errs = append(errs, p.fieldError(field, "this cluster cannot delay the links between its nodes: %s", m.NoDelay))
		case m.Delay == netfault.Proxy && p.Target == "consul":
			errs = append(errs, p.fieldError(field, "this kernel has no netem, and the network agent's user-space proxy delays TCP only: "+
				"Consul's Serf gossip is UDP, so its failure detection would go undelayed; run on a kernel with netem (sch_netem), or use link-loss, which nftables applies to UDP too"))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
