package compose

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/chaos-election/chaos/compose/netctl"
)

// Probe opens a TCP connection from inside node from's network namespace
// (through its agent) to node to's address at port, waiting at most
// timeout, and closes it: nil when it connected. Across a cut it fails.
// A TCP connect needs both directions, so a one-way cut fails it too.
func (c *Cluster) Probe(ctx context.Context, from, to string, port int, timeout time.Duration) error {
	_, err := c.dialFrom(ctx, from, to, port, timeout)
	return err
}

// ProbeLink times one round trip across the link from node from to node
// to: from's agent connects to to's (port 17070, on every node whatever
// its backend) and times one request and its reply, data both ways, which
// netem and the user-space proxy both hold back (a connect alone the
// proxy answers for its node). The request carries size bytes (at most
// netctl.MaxPad), which a rate limit on the link slows. It fails when the
// link is cut, either way, or the round trip takes longer than timeout.
func (c *Cluster) ProbeLink(ctx context.Context, from, to string, size int, timeout time.Duration) (time.Duration, error) {
	ag, addr, err := c.probeEnds(from, to, netctl.AgentPort)
	if err != nil {
		return 0, err
	}
	took, err := ag.client.ping(ctx, addr, size, timeout)
	if err != nil {
		return 0, fmt.Errorf("probe %s→%s (%s): %w", from, to, addr, err)
	}
	return took, nil
}

// dialFrom is Probe, returning how long the connect took.
func (c *Cluster) dialFrom(ctx context.Context, from, to string, port int, timeout time.Duration) (time.Duration, error) {
	ag, addr, err := c.probeEnds(from, to, port)
	if err != nil {
		return 0, err
	}
	took, err := ag.client.dialFrom(ctx, addr, timeout)
	if err != nil {
		return 0, fmt.Errorf("probe %s→%s (%s): %w", from, to, addr, err)
	}
	return took, nil
}

// probeEnds are the agent a probe from node from goes out of, and the
// address at port of node to it goes to.
func (c *Cluster) probeEnds(from, to string, port int) (*netAgent, string, error) {
	ag, err := c.agentOf(from)
	if err != nil {
		return nil, "", fmt.Errorf("probe: %w", err)
	}
	dst, err := c.node(to)
	if err != nil {
		return nil, "", fmt.Errorf("probe: %w", err)
	}
	return ag, net.JoinHostPort(dst.IP, strconv.Itoa(port)), nil
}

// netState reads what node's agent has in force in its namespace: the
// dropped and lost sources and their packet counters.
func (c *Cluster) netState(ctx context.Context, node string) (netctl.State, error) {
	ag, err := c.agentOf(node)
	if err != nil {
		return netctl.State{}, err
	}
	return ag.client.show(ctx)
}

// agentOf is node's agent.
func (c *Cluster) agentOf(node string) (*netAgent, error) {
	n, err := c.node(node)
	if err != nil {
		return nil, err
	}
	i := c.byName[n.Name]
	if i >= len(c.agents) {
		return nil, fmt.Errorf("%s has no network agent (the cluster was attached without partitions)", node)
	}
	return c.agents[i], nil
}
