package compose

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/moby/moby/client"
)

// teardownTimeout bounds the removal of a half-built cluster after Up fails.
const teardownTimeout = 60 * time.Second

// ComposeFile is the name of the rendered compose file in Spec.Dir.
const ComposeFile = "compose.yaml"

// Up brings a cluster up: it picks the image (never pulling), renders the
// backend's compose file for spec.Nodes into spec.Dir/compose.yaml, reads
// it back with compose-go, creates the run's network (on a free /24 of
// 172.29.0.0/16), then for each node its network agent (which holds the
// node's address and network namespace) and the node's container, which
// joins the agent's namespace, through the Engine API; it starts them and
// waits until every agent answers and every node is healthy. Target
// kubernetes's API servers start then, with the run's credentials
// (startAPIServers). On any error — cancellation included — it removes
// everything it created before returning.
func Up(ctx context.Context, dc *client.Client, spec Spec) (*Cluster, error) {
	return up(ctx, dc, spec)
}

func up(ctx context.Context, api engine, spec Spec) (_ *Cluster, err error) {
	spec, err = spec.withDefaults()
	if err != nil {
		return nil, err
	}
	b, err := lookupBackend(spec.Target)
	if err != nil {
		return nil, err
	}
	log := spec.Log.With("target", b.name)
	choice, err := chooseImage(ctx, api, b, spec.Image)
	if err != nil {
		return nil, err
	}
	logImage(log, choice)
	if err := requireNetctl(ctx, api); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(spec.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("run directory: %w", err)
	}
	c := &Cluster{api: api, spec: spec, log: log, backend: b, image: choice.Ref,
		byName: map[string]int{}, dialAgent: dialerFor(api)}
	defer func() {
		if err == nil {
			return
		}
		tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownTimeout)
		defer cancel()
		if derr := c.Down(tctx); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove the half-built cluster: %w", derr))
		}
	}()

	start := time.Now()
	path := filepath.Join(spec.Dir, ComposeFile)
	env := map[string]string{b.imageVar: choice.Ref}
	var p plan
	c.subnet, err = createNetworkIn(ctx, api, spec.RunID, func(subnet netip.Prefix) error {
		content, err := render(b, renderParams{Nodes: spec.Nodes, RunID: spec.RunID, Subnet: subnet, Tuning: spec.Tuning, APIServers: spec.APIServers})
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return fmt.Errorf("write compose file: %w", err)
		}
		if p, err = loadPlan(ctx, path, content, prefix(spec.RunID), env, spec.Nodes, spec.APIServers); err != nil {
			return err
		}
		if _, err := createNetwork(ctx, api, p.NetworkName, p.Network); err != nil {
			return fmt.Errorf("create network %s (%s): %w", p.NetworkName, subnet, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.netName = p.NetworkName
	log.Debug("network created", "network", c.netName, "subnet", c.subnet, "file", path)

	// Each node's agent first: it owns the node's network namespace (the
	// address, aliases and hostname), so the rules it holds outlive the
	// node's restarts and are in force before the node can talk.
	for i, cp := range p.Containers {
		id, err := createOwningAgent(ctx, api, spec.RunID, cp, stageFor(spec, p.Containers, i))
		if err != nil {
			return nil, err
		}
		c.agents = append(c.agents, &netAgent{containerID: id, client: newAgentClient(cp.Node, agentAddr(cp.IP.String()), c.dialAgent)})
		c.byName[cp.Node] = len(c.nodes)
		c.nodes = append(c.nodes, Node{
			Name:       cp.Node,
			IP:         cp.IP.String(),
			ClientAddr: netip.AddrPortFrom(cp.IP, uint16(b.clientPort)).String(),
		})
	}
	c.sent = make([]sentRules, len(c.nodes))
	if err := c.startAgents(ctx); err != nil {
		return nil, err
	}
	for i, cp := range p.Containers {
		joinAgent(&cp, c.agents[i].containerID)
		cctx, cancel := createContext(ctx)
		created, err := api.ContainerCreate(cctx, client.ContainerCreateOptions{
			Config: cp.Config, HostConfig: cp.Host, NetworkingConfig: cp.Net, Name: cp.Name,
		})
		cancel()
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", cp.Name, err)
		}
		c.nodes[i].ContainerID = created.ID
	}
	for _, n := range c.nodes {
		if _, err := api.ContainerStart(ctx, n.ContainerID, client.ContainerStartOptions{}); err != nil {
			return nil, fmt.Errorf("start %s: %w", n.Name, err)
		}
	}
	if err := c.waitHealthy(ctx); err != nil {
		return nil, err
	}
	if err := c.startAPIServers(ctx, p.Servers); err != nil {
		return nil, err
	}
	log.Info("cluster up", "nodes", len(c.nodes), "network", c.netName, "subnet", c.subnet,
		"image", c.image, "took", time.Since(start).Round(time.Millisecond))
	return c, nil
}
