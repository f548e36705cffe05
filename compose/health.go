package compose

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Health polling.
const (
	healthInterval     = 250 * time.Millisecond
	healthProbeTimeout = 3 * time.Second
	logTailLines       = 20
)

// errExited marks a node whose container stopped: waiting longer is futile.
var errExited = errors.New("container exited")

// waitHealthy polls every node until all are healthy: the container runs
// and spec.Healthy (if any) returns nil. It gives up after HealthTimeout,
// or at once when a container exits, with an error naming each unhealthy
// node, its last error and the tail of its log.
func (c *Cluster) waitHealthy(ctx context.Context) error {
	hctx, cancel := context.WithTimeout(ctx, c.spec.HealthTimeout)
	defer cancel()
	last := make([]error, len(c.nodes))
	for i := range last {
		last[i] = errors.New("not probed yet")
	}
	t := time.NewTicker(healthInterval)
	defer t.Stop()
	for {
		var wg sync.WaitGroup
		for i, n := range c.nodes {
			if last[i] == nil {
				continue
			}
			wg.Go(func() {
				err := c.probe(hctx, n)
				if err != nil && hctx.Err() != nil {
					return // cut short by the deadline: keep the informative error
				}
				last[i] = err
			})
		}
		wg.Wait()
		unhealthy, exited := 0, false
		for _, err := range last {
			if err != nil {
				unhealthy++
				exited = exited || errors.Is(err, errExited)
			}
		}
		if unhealthy == 0 {
			return nil
		}
		if exited {
			break
		}
		select {
		case <-hctx.Done():
		case <-t.C:
			continue
		}
		break
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("wait for healthy nodes: %w", err)
	}
	why := fmt.Sprintf("after %v", c.spec.HealthTimeout)
	if hctx.Err() == nil {
		why = "(a container exited)"
	}
	return c.healthError(ctx, why, last)
}

// probe checks one node once.
func (c *Cluster) probe(ctx context.Context, n Node) error {
	st, err := c.state(ctx, n)
	if err != nil {
		return err
	}
	if !st.Running {
		return fmt.Errorf("%w (code %d): %s", errExited, st.ExitCode, st.Error)
	}
	if c.spec.Healthy == nil {
		return nil
	}
	pctx, cancel := context.WithTimeout(ctx, healthProbeTimeout)
	defer cancel()
	return c.spec.Healthy(pctx, n)
}

// healthError describes the unhealthy nodes with their last errors and
// log tails.
func (c *Cluster) healthError(ctx context.Context, why string, last []error) error {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var names []string
	var b strings.Builder
	for i, n := range c.nodes {
		if last[i] == nil {
			continue
		}
		names = append(names, n.Name)
		fmt.Fprintf(&b, "\n%s (%s): %v", n.Name, n.ClientAddr, last[i])
		tail, err := containerOutput(lctx, c.api, n.ContainerID, strconv.Itoa(logTailLines))
		if err != nil {
			fmt.Fprintf(&b, "\n  (no log: %v)", err)
			continue
		}
		fmt.Fprintf(&b, "\n  --- last %d log lines of %s ---", logTailLines, n.Name)
		for line := range strings.SplitSeq(strings.TrimRight(tail, "\n"), "\n") {
			b.WriteString("\n  " + line)
		}
	}
	return fmt.Errorf("cluster not healthy %s: %s not healthy:%s", why, strings.Join(names, ", "), b.String())
}
