package nemesis

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/netfault"
)

// partition cuts the cluster in one of Jepsen's shapes.
type partition struct {
	shape  string
	oneWay bool // only what the first group sends is dropped
	rng    *rand.Rand
	cut    bool
}

func (p *partition) Name() string { return "partition(" + p.shape + ")" }

func (p *partition) Start(ctx context.Context, env Env) (history.Fault, error) {
	nodes := sorted(env.Cluster.Names())
	v := history.Fault{Kind: "partition", Shape: p.shape}
	if p.oneWay {
		v.Direction = DirectionOneWay
	}
	var (
		g      Grudge
		node   string // the one node cut off, when there is one
		action string
	)
	switch p.shape {
	case "halves", "random":
		if p.shape == "halves" {
			v.Groups = halves(p.rng, nodes)
		} else {
			v.Groups = randomGroups(p.rng, nodes)
		}
		g, action = completeGrudge(v.Groups), "cut the cluster into "+groupsText(v.Groups)
	case "isolate-leader":
		if err := chooseVictims(p.rng, env, "leader", &v); err != nil {
			return v, err
		}
		node = v.Nodes[0]
		v.Groups = isolate(node, nodes)
		g, action = completeGrudge(v.Groups), "cut "+node+"'s links"
	case "majority-ring":
		g = majoritiesRing(p.rng, nodes)
		v.Grudge, action = g, "cut the links into overlapping majorities"
	case "bridge":
		g, v.Bridge = bridge(p.rng, nodes)
		v.Grudge, action = g, "cut the links between two halves bridged by "+v.Bridge
	default:
		return v, failed("", "choose its shape", fmt.Errorf("unknown partition shape %q", p.shape))
	}
	if p.oneWay {
		// The others drop what the first group sends; it still hears them.
		g = Grudge(groupsShape(v.Groups, netfault.Effect{Drop: true}, true).Grudge())
		v.Grudge = g
		action = "cut what " + strings.Join(v.Groups[0], " ") + " sends to the others"
	}
	p.cut = true
	asked := time.Now()
	if err := env.Cluster.Cut(ctx, g); err != nil {
		return v, failed(node, action, err)
	}
	v.Took = tookSince(asked)
	return v, nil
}

func (p *partition) Heal(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: "partition", Shape: p.shape}
	if err := env.Cluster.Mend(ctx); err != nil {
		return v, failed("", "mend the links", err)
	}
	p.cut = false
	return v, nil
}

// groupsText writes groups as "n1 n2 | n3".
func groupsText(groups [][]string) string {
	gs := make([]string, len(groups))
	for i, g := range groups {
		gs[i] = strings.Join(g, " ")
	}
	return strings.Join(gs, " | ")
}
