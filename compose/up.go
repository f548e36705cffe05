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
// 172.29.0.0/16) and the nodes' containers through the Engine API, starts
// them and waits until every node is healthy. On any error — cancellation
// included — it removes everything it created before returning.
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
		byName: map[string]int{}, rules: map[string]nsRules{}}
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
		content, err := render(b, renderParams{Nodes: spec.Nodes, RunID: spec.RunID, Subnet: subnet})
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return fmt.Errorf("write compose file: %w", err)
		}
		if p, err = loadPlan(ctx, path, content, prefix(spec.RunID), env, spec.Nodes); err != nil {
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

	for _, cp := range p.Containers {
		created, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{
			Config: cp.Config, HostConfig: cp.Host, NetworkingConfig: cp.Net, Name: cp.Name,
		})
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", cp.Name, err)
		}
		c.byName[cp.Node] = len(c.nodes)
		c.nodes = append(c.nodes, Node{
			Name:        cp.Node,
			ContainerID: created.ID,
			IP:          cp.IP.String(),
			ClientAddr:  netip.AddrPortFrom(cp.IP, uint16(b.clientPort)).String(),
		})
	}
	for _, n := range c.nodes {
		if _, err := api.ContainerStart(ctx, n.ContainerID, client.ContainerStartOptions{}); err != nil {
			return nil, fmt.Errorf("start %s: %w", n.Name, err)
		}
	}
	if err := c.waitHealthy(ctx); err != nil {
		return nil, err
	}
	log.Info("cluster up", "nodes", len(c.nodes), "network", c.netName, "subnet", c.subnet,
		"image", c.image, "took", time.Since(start).Round(time.Millisecond))
	return c, nil
}
