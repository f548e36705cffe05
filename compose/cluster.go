package compose

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"sync"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/chaos-election/chaos/compose/netctl"
	"github.com/chaos-election/chaos/netfault"
)

// Cluster is a running cluster of one run. Its methods are safe for
// concurrent use; the node primitives (Cut, Mend, Shape, Pause, Unpause,
// Kill, Start) return once their effect is in place.
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
	// servers are target kubernetes's API servers, in front of the nodes
	// (not nodes themselves: the node faults and Names leave them out);
	// kube is what their clients need.
	servers []Node
	kube    KubeCredentials

	// agents are the nodes' network agents, by node index (none on a
	// cluster attached without partitions). On a cluster Up started each
	// owns its node's network namespace; on an attached one it joined the
	// node's (joined), and is replaced when the node restarts.
	agents    []*netAgent
	joined    bool
	dialAgent dialFunc
	// execAgents, when set, is how the agents of an attached cluster are
	// reached: through a relay exec'd in each agent's container
	// (AttachSpec.AgentsByExec).
	execAgents execAPI
	// methods are how the agents apply delays and rates, as the first
	// one said once it answered (Spec.DelayLinks; none otherwise).
	methods netfault.Methods

	// cutMu serializes everything that changes the agents' rules: Shape
	// (Cut, Mend) and the replacement of an attached node's agent.
	cutMu sync.Mutex
	// shape is the link shape in force (cleaned; nil when mended).
	shape netfault.Shape
	// sent is, by node index, what the node's agent last confirmed.
	sent []sentRules
}

// sentRules is what a node's agent holds: the rules it last confirmed,
// when known (not after a failed apply, nor for a new agent).
type sentRules struct {
	rules netctl.NodeRules
	known bool
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
		for _, s := range c.servers {
			if s.Name == name {
				return s, nil
			}
		}
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
// On a cluster Up started the node rejoins its agent's network namespace,
// whose rules never left, so a node restarted during a partition is cut
// from its first packet. On an attached cluster the node comes back in a
// new namespace: its agent is replaced there and given the node's rules
// before Start returns. Starting a running (or paused) node does nothing.
func (c *Cluster) Start(ctx context.Context, node string) error {
	n, err := c.node(node)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	st, err := c.state(ctx, n)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if st.Running {
		return nil
	}
	if _, err := c.api.ContainerStart(ctx, n.ContainerID, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start %s: %w", node, err)
	}
	c.log.Debug("started", "node", node)
	if c.joined {
		if err := c.rejoin(ctx, node); err != nil {
			return fmt.Errorf("start %s: %w", node, err)
		}
	}
	return nil
}
