package compose

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Cluster is a running cluster of one run. Its methods are safe for
// concurrent use; the node primitives (Cut, Mend, Pause, Unpause, Kill,
// Start) return once their effect is in place.
type Cluster struct {
	api     engine
	spec    Spec
	log     *slog.Logger
	backend backend
	image   string
	subnet  netip.Prefix
	netName string
	nodes   []Node
	byName  map[string]int

	// cutMu serializes everything that changes nftables rules: Cut, Mend
	// and the re-apply of Start.
	cutMu sync.Mutex
	// grudge is the cut set in force: grudge[a] = nodes whose packets a drops.
	grudge map[string][]string
	// rules records, per node, what the node's network namespace holds.
	rulesMu sync.Mutex
	rules   map[string]nsRules
	// seq numbers sidecar containers.
	seq atomic.Int64
}

// nsRules is what a node's network namespace was last made to drop; it
// describes the namespace of the container started at startedAt only (a
// restarted container has a fresh namespace with no rules).
type nsRules struct {
	startedAt string
	drop      string // netctl.FormatAddrs of the dropped sources; "" none
	known     bool   // false after a failed sidecar: state unknown
}

// Nodes returns the cluster's nodes in order n1, n2, ...
func (c *Cluster) Nodes() []Node { return slices.Clone(c.nodes) }

// Names returns the nodes' names in order.
func (c *Cluster) Names() []string {
	out := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = n.Name
	}
	return out
}

// Image is the backend image the cluster runs.
func (c *Cluster) Image() string { return c.image }

// Subnet is the run network's subnet.
func (c *Cluster) Subnet() netip.Prefix { return c.subnet }

// Gateway is the address the harness's packets reach nodes from.
func (c *Cluster) Gateway() string { return gatewayIP(c.subnet).String() }

func (c *Cluster) node(name string) (Node, error) {
	i, ok := c.byName[name]
	if !ok {
		return Node{}, fmt.Errorf("unknown node %q (nodes: %v)", name, c.Names())
	}
	return c.nodes[i], nil
}

// state inspects a node's container.
func (c *Cluster) state(ctx context.Context, n Node) (*container.State, error) {
	res, err := c.api.ContainerInspect(ctx, n.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", n.Name, err)
	}
	info := res.Container
	if info.State == nil {
		return nil, fmt.Errorf("inspect %s: no state", n.Name)
	}
	return info.State, nil
}

// Pause freezes a node's processes (the cgroup freezer): the "GC pause" of
// a server. Pausing a paused node is no error; pausing a killed one is.
func (c *Cluster) Pause(ctx context.Context, node string) error {
	n, err := c.node(node)
	if err != nil {
		return fmt.Errorf("pause: %w", err)
	}
	st, err := c.state(ctx, n)
	if err != nil {
		return fmt.Errorf("pause: %w", err)
	}
	if st.Paused {
		return nil
	}
	if !st.Running {
		return fmt.Errorf("pause %s: not running (%s)", node, st.Status)
	}
	if _, err := c.api.ContainerPause(ctx, n.ContainerID, client.ContainerPauseOptions{}); err != nil {
		return fmt.Errorf("pause %s: %w", node, err)
	}
	c.log.Debug("paused", "node", node)
	return nil
}

// Unpause thaws a paused node; a node that is not paused is left alone.
func (c *Cluster) Unpause(ctx context.Context, node string) error {
	n, err := c.node(node)
	if err != nil {
		return fmt.Errorf("unpause: %w", err)
	}
	st, err := c.state(ctx, n)
	if err != nil {
		return fmt.Errorf("unpause: %w", err)
	}
	if !st.Paused {
		return nil
	}
	if _, err := c.api.ContainerUnpause(ctx, n.ContainerID, client.ContainerUnpauseOptions{}); err != nil && !errdefs.IsConflict(err) {
		return fmt.Errorf("unpause %s: %w", node, err)
	}
	c.log.Debug("unpaused", "node", node)
	return nil
}

// Kill sends SIGKILL to a node and returns once its container has
// stopped. The container is kept, with its data: Start brings it back.
// Killing a killed node is no error; a paused node is killed too.
func (c *Cluster) Kill(ctx context.Context, node string) error {
	n, err := c.node(node)
	if err != nil {
		return fmt.Errorf("kill: %w", err)
	}
	st, err := c.state(ctx, n)
	if err != nil {
		return fmt.Errorf("kill: %w", err)
	}
	if !st.Running {
		return nil
	}
	wait := c.api.ContainerWait(ctx, n.ContainerID, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	if _, err := c.api.ContainerKill(ctx, n.ContainerID, client.ContainerKillOptions{Signal: "SIGKILL"}); err != nil && !errdefs.IsConflict(err) {
		return fmt.Errorf("kill %s: %w", node, err)
	}
	select {
	case <-wait.Result:
	case err := <-wait.Error:
		if err != nil {
			return fmt.Errorf("kill %s: wait for exit: %w", node, err)
		}
	case <-ctx.Done():
		return fmt.Errorf("kill %s: wait for exit: %w", node, ctx.Err())
	}
	c.log.Debug("killed", "node", node)
	return nil
}

// Start starts a killed node's container again: same address, same data.
// It then re-applies the node's part of the cut set in force, so a node
// restarted during a partition stays cut. Starting a running (or paused)
// node only makes sure its rules match the cut set.
func (c *Cluster) Start(ctx context.Context, node string) error {
	n, err := c.node(node)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	c.cutMu.Lock()
	defer c.cutMu.Unlock()
	st, err := c.state(ctx, n)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if !st.Running {
		if _, err := c.api.ContainerStart(ctx, n.ContainerID, client.ContainerStartOptions{}); err != nil {
			return fmt.Errorf("start %s: %w", node, err)
		}
		c.log.Debug("started", "node", node)
	}
	if err := c.syncRules(ctx, n); err != nil {
		return fmt.Errorf("start %s: %w", node, err)
	}
	return nil
}
