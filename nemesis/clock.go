package nemesis

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/chaos-election/chaos/history"
)

// clockKinds are the faults on a clock: a candidate's, or with clock:
// node a server node's (nodeclock.go).
var clockKinds = []string{"clock-skew", "clock-drift"}

// IsClockFault reports whether kind acts on a clock (a candidate's, or a
// server node's: FaultSpec.NodeClock).
func IsClockFault(kind string) bool { return slices.Contains(clockKinds, kind) }

var errNoClocks = errors.New("the run has no candidates' clocks (no election workload)")

// validateClock checks the clock settings: an offset only for clock-skew
// (which needs one), a rate only for clock-drift (which needs a positive
// one other than 1).
func validateClock(f FaultSpec) (field string, err error) {
	switch {
	case f.Kind != "clock-skew" && f.Offset != 0:
		return "offset", fmt.Errorf("only clock-skew has an offset, not %s", f.Kind)
	case f.Kind != "clock-drift" && f.Rate != 0:
		return "rate", fmt.Errorf("only clock-drift has a rate, not %s", f.Kind)
	case f.Kind == "clock-skew" && f.Offset == 0:
		return "offset", errors.New("a clock-skew needs an offset from true time, e.g. offset: -4s (behind) or 4s (ahead)")
	case f.Kind == "clock-drift" && (f.Rate <= 0 || f.Rate == 1):
		return "rate", fmt.Errorf("a clock-drift needs a positive rate other than 1 (0.5: half speed; 2: twice), got %v", f.Rate)
	}
	return "", nil
}

// clockFault skews or slows the clock one candidate reads (the victim's
// node's candidates); healing returns it to true time.
type clockFault struct {
	kind    string
	victim  string
	offset  time.Duration
	rate    float64
	rng     *rand.Rand
	node    string
	process string
}

func (c *clockFault) Name() string { return c.kind + "(" + c.victim + ")" }

func (c *clockFault) Start(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: c.kind, Victim: c.victim, Rate: c.rate}
	if c.offset != 0 {
		v.Offset = c.offset.String()
	}
	if err := chooseClientVictims(c.rng, env, c.victim, &v); err != nil {
		return v, err
	}
	if env.Clocks == nil {
		return v, failed("", "set a candidate's clock", errNoClocks)
	}
	c.node = v.Nodes[0]
	v.Node = c.node
	rate := c.rate
	if rate == 0 {
		rate = 1
	}
	p, err := env.Clocks.SetClock(ctx, c.node, c.offset, rate)
	c.process, v.Process = p, p
	if err != nil {
		return v, failed(c.node, "set "+c.node+"'s clock", err)
	}
	return v, nil
}

func (c *clockFault) Heal(_ context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: c.kind, Node: c.node, Process: c.process}
	if c.node == "" || env.Clocks == nil {
		return v, nil // never took effect
	}
	if err := env.Clocks.ResetClock(c.node); err != nil {
		return v, failed(c.node, "return "+c.node+"'s clock to true time", err)
	}
	return v, nil
}
