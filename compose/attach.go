package compose

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"

	"github.com/moby/moby/client"
)

// AttachSpec names the containers of a cluster the harness did not start:
// the user's own, on the Docker host of DOCKER_HOST (local or remote).
type AttachSpec struct {
	// RunID labels the sidecars the cluster's faults start, so that Down
	// removes exactly those (never the user's containers).
	RunID string
	// Dir is the run directory: logs/<node>.log are written here.
	Dir string
	// Nodes are the nodes' names and containers (name or id), in order.
	Nodes []AttachNode
	// Partitions says the run may cut links: the netctl sidecar image must
	// then be on the Docker host (`chaos images build` puts it there).
	Partitions bool
	Log        *slog.Logger // nil = discard
}

// AttachNode is one node of an attached cluster.
type AttachNode struct {
	Name      string // "n1"
	Container string // the node's container, by name or id
}

// Attach returns a Cluster over running containers that the harness did
// not create. Every fault primitive works as on a cluster Up started:
// Pause and Kill through the Engine API, Cut through a netctl sidecar in
// the node's network namespace that drops the other nodes' addresses on
// the network they all share. Down removes only what the run created (its
// sidecars); the nodes' containers are the user's and stay, as they were
// once the faults are healed.
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
			return nil, fmt.Errorf("attach: partitions on the Docker host need the sidecar image: %w", err)
		}
	}
	c := &Cluster{api: api, spec: Spec{RunID: spec.RunID, Dir: spec.Dir, Log: log}, log: log,
		byName: map[string]int{}, rules: map[string]nsRules{}}
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
	log.Info("attached to the nodes' containers", "nodes", len(c.nodes), "network", shared)
	return c, nil
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
