package compose

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"

	"github.com/chaos-election/chaos/compose/netctl"
)

// Waiting for a new agent to answer.
const (
	agentReadyTimeout  = 15 * time.Second
	agentReadyInterval = 20 * time.Millisecond
)

// removeTimeout bounds removing one container on cleanup paths.
const removeTimeout = 15 * time.Second

// netAgent is a node's network agent: its container and the harness's
// connection to it.
type netAgent struct {
	containerID string
	client      *agentClient
}

// agentDialer is an engine that says how the harness reaches an agent
// (the tests' fake engine); a real engine's agents are dialled directly.
type agentDialer interface {
	DialAgent(ctx context.Context, addr string) (net.Conn, error)
}

// dialerFor is how the harness reaches the agents of api's containers.
func dialerFor(api engine) dialFunc {
	if d, ok := api.(agentDialer); ok {
		return d.DialAgent
	}
	return netDial
}

// agentName is the name of node's agent container.
func agentName(runID, node string) string { return prefix(runID) + "-" + node + "-netagent" }

// agentAddr is where the agent of a node with address ip listens.
func agentAddr(ip string) string {
	return netip.AddrPortFrom(netip.MustParseAddr(ip), netctl.AgentPort).String()
}

// agentConfig is the container of node's agent, listening on ip: the
// netctl image running `/chaos netctl agent`, with NET_ADMIN for its
// nftables, labelled as the run's. host says whose network it is in.
func agentConfig(runID, node, ip string, host *container.HostConfig, stage delayStage) *container.Config {
	host.CapAdd = []string{"NET_ADMIN"}
	return &container.Config{
		Image:      NetctlImage,
		Entrypoint: []string{"/chaos"},
		Cmd:        append([]string{"netctl", "agent", "--listen", agentAddr(ip)}, stage.args()...),
		Labels: map[string]string{
			LabelProject: ProjectValue, LabelRun: runID, LabelNode: node, LabelRole: roleNetAgent,
		},
	}
}

// createOwningAgent creates the agent that owns cp's network namespace:
// it takes the node's place on the run's network (address, aliases,
// hostname), and the node's container joins it (see [up]).
func createOwningAgent(ctx context.Context, api containerAPI, runID string, cp containerPlan, stage delayStage) (string, error) {
	host := &container.HostConfig{NetworkMode: cp.Host.NetworkMode}
	cfg := agentConfig(runID, cp.Node, cp.IP.String(), host, stage)
	cfg.Hostname = cp.Config.Hostname
	cctx, cancel := createContext(ctx)
	created, err := api.ContainerCreate(cctx, client.ContainerCreateOptions{
		Config: cfg, HostConfig: host, NetworkingConfig: cp.Net, Name: agentName(runID, cp.Node),
	})
	cancel()
	if err != nil {
		return "", fmt.Errorf("create the network agent of %s: %w", cp.Node, err)
	}
	return created.ID, nil
}

// startJoinedAgent creates and starts an agent in the network namespace
// of n's running container (a cluster the harness attached to), and
// waits until it answers.
func (c *Cluster) startJoinedAgent(ctx context.Context, n Node) (*netAgent, error) {
	host := &container.HostConfig{NetworkMode: container.NetworkMode("container:" + n.ContainerID)}
	cfg := agentConfig(c.spec.RunID, n.Name, n.IP, host, delayStage{})
	cctx, cancel := createContext(ctx)
	created, err := c.api.ContainerCreate(cctx, client.ContainerCreateOptions{
		Config: cfg, HostConfig: host, Name: agentName(c.spec.RunID, n.Name),
	})
	cancel()
	if err != nil {
		return nil, fmt.Errorf("create the network agent of %s: %w", n.Name, err)
	}
	dial := c.dialAgent
	if c.execAgents != nil {
		dial = execDial(c.execAgents, created.ID)
	}
	ag := &netAgent{containerID: created.ID, client: newAgentClient(n.Name, agentAddr(n.IP), dial)}
	if _, err := c.api.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		return ag, fmt.Errorf("start the network agent of %s: %w", n.Name, err)
	}
	return ag, c.waitAgent(ctx, n.Name, ag)
}

// startAgents starts the agents of every node and waits until each
// answers, in parallel.
func (c *Cluster) startAgents(ctx context.Context) error {
	errs := make([]error, len(c.nodes))
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		ag := c.agents[i]
		wg.Go(func() {
			if _, err := c.api.ContainerStart(ctx, ag.containerID, client.ContainerStartOptions{}); err != nil {
				errs[i] = fmt.Errorf("start the network agent of %s: %w", n.Name, err)
				return
			}
			errs[i] = c.waitAgent(ctx, n.Name, ag)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if c.spec.shapesLinks() && len(c.agents) > 0 {
		m, err := c.agents[0].client.methods(ctx)
		if err != nil {
			return err
		}
		c.methods = m
		c.log.Info("links between nodes: delays by "+string(m.Delay), "no_delay", m.NoDelay, "rate", m.Rate, "no_rate", m.NoRate)
	}
	return nil
}

// waitAgent polls ag until it answers a show, which also proves it may
// read its nftables. When it does not within agentReadyTimeout the error
// carries the tail of its log.
func (c *Cluster) waitAgent(ctx context.Context, node string, ag *netAgent) error {
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, agentReadyTimeout)
	defer cancel()
	for {
		_, err := ag.client.show(wctx)
		if err == nil {
			c.log.Debug("network agent answers", "node", node, "took", time.Since(start).Round(time.Millisecond))
			return nil
		}
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return fmt.Errorf("wait for the network agent of %s: %w", node, ctx.Err())
			}
			lctx, lcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer lcancel()
			tail, lerr := containerOutput(lctx, c.api, ag.containerID, strconv.Itoa(logTailLines))
			if lerr != nil {
				tail = "(no log: " + lerr.Error() + ")"
			}
			return fmt.Errorf("the network agent of %s does not answer after %v: %w; its log:\n%s",
				node, agentReadyTimeout, err, strings.TrimRight(tail, "\n"))
		case <-time.After(agentReadyInterval):
		}
	}
}

// removeAgent force-removes an agent's container (an attached node's,
// replaced after its node restarted).
func (c *Cluster) removeAgent(ctx context.Context, node string, ag *netAgent) {
	ag.client.close()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
	defer cancel()
	if _, err := c.api.ContainerRemove(rctx, ag.containerID, client.ContainerRemoveOptions{Force: true}); err != nil {
		c.log.Warn("remove network agent", "node", node, "container", ag.containerID, "err", err)
	}
}

// delayStage is what an agent's delay stage needs to know: the other
// nodes' addresses, and whether to proxy their TCP; the zero delayStage
// sets up none (drops and loss need none).
type delayStage struct {
	peers []string
	proxy bool
	seed  uint64
}

// args are the agent's flags for s.
func (s delayStage) args() []string {
	if len(s.peers) == 0 {
		return nil
	}
	out := []string{"--peers", strings.Join(s.peers, ","), "--seed", strconv.FormatUint(s.seed, 10)}
	if s.proxy {
		out = append(out, "--peer-proxy")
	}
	return out
}

// stageFor is the delay stage of node i among nodes when the spec delays
// links or limits their bandwidth, else none; only delays need the proxy.
func stageFor(spec Spec, nodes []containerPlan, i int) delayStage {
	if !spec.shapesLinks() {
		return delayStage{}
	}
	s := delayStage{proxy: spec.DelayLinks, seed: spec.Seed + uint64(i)}
	for j, cp := range nodes {
		if j != i {
			s.peers = append(s.peers, cp.IP.String())
		}
	}
	return s
}

// joinAgent makes cp's container join its agent's network namespace;
// Docker then forbids a hostname and networking config of its own (the
// agent has them).
func joinAgent(cp *containerPlan, agentID string) {
	cp.Host.NetworkMode = container.NetworkMode("container:" + agentID)
	cp.Config.Hostname = ""
	cp.Net = (*network.NetworkingConfig)(nil)
}
