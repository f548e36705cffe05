package external

import (
	"context"
	"fmt"
	"time"

	"github.com/chaos-election/chaos/external/grant"
)

// SetNodeClock sets node's own clock offset from true time with the
// plan's clock-skew start command ({offset}, {offset_seconds}); it is
// nemesis.NodeClocks. Only commands grant it: a Docker host cannot set a
// container's clock apart from its host's.
func (c *Cluster) SetNodeClock(ctx context.Context, node string, offset time.Duration) error {
	if err := c.clockGranted(); err != nil {
		return err
	}
	if _, err := c.node(node); err != nil {
		return fmt.Errorf("%s: %w", grant.FaultClockSkew, err)
	}
	// Remembered before the command runs: a start that failed half way
	// is healed with the offset it was given.
	c.clockMu.Lock()
	c.skews[node] = offset
	c.clockMu.Unlock()
	return c.runWith(ctx, grant.FaultClockSkew, false, node, func(n Node) grant.Vars {
		v := c.vars(n)
		v.Offset = offset
		return v
	})
}

// ResetNodeClock returns node's clock to true time with the plan's
// clock-skew heal command, whose {offset} is the offset SetNodeClock set
// (0 when it set none). Pass a context that outlives the run's
// cancellation, as for every heal.
func (c *Cluster) ResetNodeClock(ctx context.Context, node string) error {
	if err := c.clockGranted(); err != nil {
		return err
	}
	c.clockMu.Lock()
	offset := c.skews[node]
	c.clockMu.Unlock()
	err := c.runWith(ctx, grant.FaultClockSkew, true, node, func(n Node) grant.Vars {
		v := c.vars(n)
		v.Offset = offset
		return v
	})
	if err != nil {
		return err
	}
	c.clockMu.Lock()
	delete(c.skews, node)
	c.clockMu.Unlock()
	return nil
}

// clockGranted is an error unless the plan's commands grant clock-skew.
func (c *Cluster) clockGranted() error {
	if grant.Grant(grant.FaultClockSkew, c.spec.Commands, c.spec.Docker != nil) == "" {
		return fmt.Errorf("%s: a server node's clock is not granted on this cluster (give commands for %s; a Docker host cannot set it)", grant.FaultClockSkew, grant.FaultClockSkew)
	}
	return nil
}
