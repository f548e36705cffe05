package compose

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"

	"github.com/moby/moby/client"
)

// AttachSpec names the containers of a cluster the harness did not start:
// the user's own, on the Docker host of DOCKER_HOST (local or remote).
type AttachSpec struct {
	// RunID labels the network agents the cluster's partitions start, so
	// that Down removes exactly those (never the user's containers).
	RunID string
	// Dir is the run directory: logs/<node>.log are written here.
	Dir string
	// Nodes are the nodes' names and containers (name or id), in order.
	Nodes []AttachNode
	// Partitions says the run may cut links: Attach then starts a network
	// agent in each node's network namespace, from the netctl image, which
	// must be on the Docker host (`chaos images build` puts it there), and
	// the harness must reach the nodes' addresses on the network they
	// share (the agents listen there, on port 17070).
	Partitions bool
	// AgentsByExec says the harness cannot reach the nodes' addresses (a
	// Docker host behind ssh, see [EngineIsRemote]): it then talks to
	// each agent through `docker exec` of a relay in the agent's
	// container instead of at the node's address.
	AgentsByExec bool
	Log          *slog.Logger // nil = discard
}

// AttachNode is one node of an attached cluster.
type AttachNode struct {
	Name      string // "n1"
	Container string // the node's container, by name or id
}

// Attach returns a Cluster over running containers that the harness did
// not create. Every fault primitive works as on a cluster Up started:
// Pause and Kill through the Engine API, Cut and Shape through a network
// agent that joins each node's network namespace and drops the other
// nodes' addresses on the network they all share. A node's container
// restarted by Start comes back in a new namespace: Start replaces its
// agent there and gives it the node's rules. Down removes only what the
// run created (the agents); the nodes' containers are the user's and
// stay, as they were once the faults are healed.
func Attach(ctx context.Context, dc *client.Client, spec AttachSpec) (*Cluster, error) {
	return attach(ctx, dc, spec)
}

func attach(ctx context.Context, api engine, spec AttachSpec) (*Cluster, error) {
	if err := checkRunID(spec.RunID); err != nil {
		return nil, err
	}
	if len(spec.Nodes) == 0 {
		return nil, errors.New("attach: no nodes")
	}
	log := spec.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if spec.Partitions {
		if err := requireNetctl(ctx, api); err != nil {
			return nil, fmt.Errorf("attach: partitions on the Docker host need the network agent's image: %w", err)
		}
	}
	c := &Cluster{api: api, spec: Spec{RunID: spec.RunID, Dir: spec.Dir, Log: log}, log: log,
		byName: map[string]int{}, dialAgent: dialerFor(api), joined: true}
	if spec.Partitions && spec.AgentsByExec {
		x, ok := api.(execAPI)
		if !ok {
			return nil, errors.New("attach: this engine cannot exec a relay to the network agents")
		}
		c.execAgents = x
	}
	nets := make([]map[string]string, len(spec.Nodes)) // per node: network name → address
	for i, an := range spec.Nodes {
		res, err := api.ContainerInspect(ctx, an.Container, client.ContainerInspectOptions{})
		if err != nil {
			return nil, fmt.Errorf("attach %s: container %q: %w", an.Name, an.Container, err)
		}
		info := res.Container
		if info.State == nil || !info.State.Running {
			return nil, fmt.Errorf("attach %s: container %q is not running", an.Name, an.Container)
		}
		nets[i] = map[string]string{}
		if info.NetworkSettings != nil {
			for name, ep := range info.NetworkSettings.Networks {
				if ep != nil && ep.IPAddress.IsValid() {
					nets[i][name] = ep.IPAddress.String()
				}
			}
		}
		c.byName[an.Name] = i
		c.nodes = append(c.nodes, Node{Name: an.Name, ContainerID: info.ID})
	}
	shared, err := sharedNetwork(spec.Nodes, nets)
	if err != nil && spec.Partitions {
		return nil, fmt.Errorf("attach: %w", err)
	}
	for i := range c.nodes {
		c.nodes[i].IP = nets[i][shared]
	}
	c.netName = shared
	if spec.Partitions {
		if err := c.startJoinedAgents(ctx); err != nil {
			return nil, fmt.Errorf("attach: %w", err)
		}
	}
	log.Info("attached to the nodes' containers", "nodes", len(c.nodes), "network", shared, "agents", len(c.agents), "agents_by_exec", c.execAgents != nil)
	return c, nil
}

// startJoinedAgents starts an agent in each node's network namespace, in
// parallel; on failure it removes those it started.
func (c *Cluster) startJoinedAgents(ctx context.Context) error {
	agents := make([]*netAgent, len(c.nodes))
	errs := make([]error, len(c.nodes))
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		wg.Go(func() { agents[i], errs[i] = c.startJoinedAgent(ctx, n) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for i, ag := range agents {
			if ag != nil {
				c.removeAgent(ctx, c.nodes[i].Name, ag)
			}
		}
		return err
	}
	c.agents = agents
	c.sent = make([]sentRules, len(c.nodes))
	return nil
}

// rejoin replaces the agent of an attached node whose container was
// started again (in a new network namespace) and gives the new one the
// node's part of the shape in force.
func (c *Cluster) rejoin(ctx context.Context, node string) error {
	c.cutMu.Lock()
	defer c.cutMu.Unlock()
	i := c.byName[node]
	if i >= len(c.agents) {
		return nil // no partitions: no agents
	}
	c.removeAgent(ctx, node, c.agents[i])
	c.sent[i] = sentRules{}
	ag, err := c.startJoinedAgent(ctx, c.nodes[i])
	if ag != nil {
		c.agents[i] = ag
	}
	if err != nil {
		return err
	}
	if _, err := c.syncAgents(ctx); err != nil {
		return err
	}
	return nil
}

// sharedNetwork is the first network, by name, that every node is on: the
// one their traffic to each other crosses, and so the one a cut drops.
func sharedNetwork(nodes []AttachNode, nets []map[string]string) (string, error) {
	var names []string
	for name := range nets[0] {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.ContainsFunc(nets, func(m map[string]string) bool { return m[name] == "" }) {
			return name, nil
		}
	}
	return "", fmt.Errorf("the containers of %s share no network with an address: cuts between them cannot be made", nodes[0].Name)
}
