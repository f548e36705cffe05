package external

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/chaos-election/chaos/compose"
	"github.com/chaos-election/chaos/external/grant"
	"github.com/chaos-election/chaos/targets"
)

// Node is one node of the cluster.
type Node struct {
	Name      string // "n1", "n2", ... in order
	Endpoint  string // host:port that clients dial
	Host      string // the node's host for commands ({host}); "" = the endpoint's host
	Container string // its container on the Docker host ({container}); "" when none
}

// Spec is a cluster the harness did not start, with what it may do to it.
type Spec struct {
	Nodes []Node
	// Servers are servers in front of the nodes that are no node of the
	// candidates' (a staging Kubernetes cluster's API server, "apiserver"):
	// faults on them (victim apiserver) only commands grant; Names and
	// Endpoints leave them out, APIServerNames lists them.
	Servers []Node
	// Docker is the nodes' containers attached on the Docker host
	// (compose.Attach): it grants partition, pause and kill. nil = no
	// Docker host.
	Docker *compose.Cluster
	// Commands grant fault kinds (FaultPartition, FaultPause, FaultKill,
	// and FaultClockSkew, a node's clock, which only commands grant) as
	// shell commands per node; a kind with commands uses them even when
	// Docker could do it.
	Commands map[string]grant.Command
	// Timeout bounds each command (0 = DefaultTimeout).
	Timeout time.Duration
	// Output receives every command's record: what ran, how it ended, its
	// output. nil = discard.
	Output io.Writer
	Log    *slog.Logger // nil = discard
}

// Cluster is an external cluster as the nemesis drives it: every
// primitive goes to the grant that covers it, and a primitive no grant
// covers is an error (plans are checked against Grants before a run).
type Cluster struct {
	spec   Spec
	byName map[string]Node
	sh     *shell
	log    *slog.Logger

	// cutMu serializes Cut and Mend; cut is the grudge the commands put
	// in force (node → the nodes it drops).
	cutMu sync.Mutex
	cut   map[string][]string

	// clockMu guards skews: node → the offset its clock was set to (by
	// SetNodeClock, until ResetNodeClock succeeds), which the heal
	// command's {offset} names.
	clockMu sync.Mutex
	skews   map[string]time.Duration
}

// New checks spec and returns the cluster.
func New(spec Spec) (*Cluster, error) {
	if len(spec.Nodes) == 0 {
		return nil, errors.New("external cluster: no nodes")
	}
	c := &Cluster{spec: spec, byName: map[string]Node{}, log: spec.Log, skews: map[string]time.Duration{}}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	for _, nodes := range [][]Node{spec.Nodes, spec.Servers} {
		for i, n := range nodes {
			if _, dup := c.byName[n.Name]; dup || n.Name == "" {
				return nil, fmt.Errorf("external cluster: node %d: name %q empty or repeated", i+1, n.Name)
			}
			if n.Host == "" {
				host, _, err := net.SplitHostPort(n.Endpoint)
				if err != nil {
					return nil, fmt.Errorf("external cluster: %s: endpoint %q: %w", n.Name, n.Endpoint, err)
				}
				nodes[i].Host = host
			}
			c.byName[n.Name] = nodes[i]
		}
	}
	for kind, cmd := range spec.Commands {
		if !slices.Contains(grant.CommandFaults, kind) {
			return nil, fmt.Errorf("external cluster: commands for %q: not a fault commands can grant (%v)", kind, grant.CommandFaults)
		}
		if cmd.Start == "" || cmd.Heal == "" {
			return nil, fmt.Errorf("external cluster: commands for %s need both start and heal", kind)
		}
	}
	timeout := spec.Timeout
	if timeout <= 0 {
		timeout = grant.DefaultTimeout
	}
	out := spec.Output
	if out == nil {
		out = io.Discard
	}
	c.sh = &shell{timeout: timeout, out: out}
	return c, nil
}

// Names returns the nodes' names in order.
func (c *Cluster) Names() []string {
	out := make([]string, len(c.spec.Nodes))
	for i, n := range c.spec.Nodes {
		out[i] = n.Name
	}
	return out
}

// APIServerNames are the servers' names (Spec.Servers), which Pause,
// Unpause, Kill and Start also take.
func (c *Cluster) APIServerNames() []string {
	out := make([]string, len(c.spec.Servers))
	for i, n := range c.spec.Servers {
		out[i] = n.Name
	}
	return out
}

// Endpoints are the nodes as clients see them.
func (c *Cluster) Endpoints() []targets.Endpoint {
	out := make([]targets.Endpoint, len(c.spec.Nodes))
	for i, n := range c.spec.Nodes {
		out[i] = targets.Endpoint{Node: n.Name, Addr: n.Endpoint}
	}
	return out
}

// Grants says what covers each fault a grant can cover (the node faults
// and a node's clock, clock-skew): "commands", "docker", or "" when
// nothing does.
func (c *Cluster) Grants() map[string]string {
	g := map[string]string{}
	for _, kind := range grant.CommandFaults {
		g[kind] = grant.Grant(kind, c.spec.Commands, c.spec.Docker != nil)
	}
	return g
}

// via returns the grant for kind, or an error saying none covers it.
func (c *Cluster) via(kind string) (string, error) {
	g := grant.Grant(kind, c.spec.Commands, c.spec.Docker != nil)
	if g == "" {
		return "", fmt.Errorf("%s: not granted on this cluster (give the nodes' containers on a Docker host, or commands for %s)", kind, kind)
	}
	return g, nil
}

func (c *Cluster) node(name string) (Node, error) {
	n, ok := c.byName[name]
	if !ok {
		return Node{}, fmt.Errorf("unknown node %q (nodes: %v)", name, c.Names())
	}
	return n, nil
}

func (c *Cluster) vars(n Node) grant.Vars {
	return grant.Vars{Node: n.Name, Host: n.Host, Endpoint: n.Endpoint, Container: n.Container}
}

// runOn runs kind's start or heal command for node.
func (c *Cluster) runOn(ctx context.Context, kind string, heal bool, node string) error {
	return c.runWith(ctx, kind, heal, node, c.vars)
}

// runWith runs kind's start or heal command for node, its placeholders
// filled in by vars.
func (c *Cluster) runWith(ctx context.Context, kind string, heal bool, node string, vars func(Node) grant.Vars) error {
	n, err := c.node(node)
	if err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	cmd, what := c.spec.Commands[kind].Start, kind+" start"
	if heal {
		cmd, what = c.spec.Commands[kind].Heal, kind+" heal"
	}
	return c.sh.run(ctx, node, what, grant.Expand(cmd, vars(n)))
}

// nodeFault drives a node primitive through its grant.
func (c *Cluster) nodeFault(ctx context.Context, kind string, heal bool, node string,
	docker func(*compose.Cluster, context.Context, string) error) error {
	g, err := c.via(kind)
	if err != nil {
		return err
	}
	if g == "docker" {
		return docker(c.spec.Docker, ctx, node)
	}
	return c.runOn(ctx, kind, heal, node)
}

// Pause freezes node.
func (c *Cluster) Pause(ctx context.Context, node string) error {
	return c.nodeFault(ctx, grant.FaultPause, false, node, (*compose.Cluster).Pause)
}

// Unpause thaws node.
func (c *Cluster) Unpause(ctx context.Context, node string) error {
	return c.nodeFault(ctx, grant.FaultPause, true, node, (*compose.Cluster).Unpause)
}

// Kill stops node abruptly.
func (c *Cluster) Kill(ctx context.Context, node string) error {
	return c.nodeFault(ctx, grant.FaultKill, false, node, (*compose.Cluster).Kill)
}

// Start brings a killed node back.
func (c *Cluster) Start(ctx context.Context, node string) error {
	return c.nodeFault(ctx, grant.FaultKill, true, node, (*compose.Cluster).Start)
}

// Cut makes the cluster drop traffic as grudge says (node → the nodes
// whose packets it drops), replacing the cut set in force. With commands,
// the nodes cut before are healed first, then each node of grudge gets
// the start command with its {peers}.
func (c *Cluster) Cut(ctx context.Context, grudge map[string][]string) error {
	g, err := c.via(grant.FaultPartition)
	if err != nil {
		return err
	}
	if g == "docker" {
		return c.spec.Docker.Cut(ctx, grudge)
	}
	for a, bs := range grudge {
		if _, err := c.node(a); err != nil {
			return fmt.Errorf("cut: %w", err)
		}
		for _, b := range bs {
			if _, err := c.node(b); err != nil {
				return fmt.Errorf("cut: %w", err)
			}
		}
	}
	c.cutMu.Lock()
	defer c.cutMu.Unlock()
	if err := c.mendLocked(ctx); err != nil {
		return fmt.Errorf("cut: %w", err)
	}
	want := map[string][]string{}
	for a, bs := range grudge {
		var peers []string
		for _, b := range bs {
			if b != a {
				peers = append(peers, b)
			}
		}
		if len(peers) > 0 {
			slices.Sort(peers)
			want[a] = slices.Compact(peers)
		}
	}
	c.cut = want
	return c.eachCut(ctx, want, "partition start", func(cmd grant.Command) string { return cmd.Start })
}

// Mend clears every cut.
func (c *Cluster) Mend(ctx context.Context) error {
	g, err := c.via(grant.FaultPartition)
	if err != nil {
		return err
	}
	if g == "docker" {
		return c.spec.Docker.Mend(ctx)
	}
	c.cutMu.Lock()
	defer c.cutMu.Unlock()
	return c.mendLocked(ctx)
}

// mendLocked runs the heal command of every node the commands cut; a
// node whose heal failed stays in the cut set, so a later Mend retries it.
func (c *Cluster) mendLocked(ctx context.Context) error {
	if len(c.cut) == 0 {
		return nil
	}
	err := c.eachCut(ctx, c.cut, "partition heal", func(cmd grant.Command) string { return cmd.Heal })
	if err != nil {
		return fmt.Errorf("mend: %w", err)
	}
	c.cut = nil
	return nil
}

// eachCut runs one partition command per node of grudge, nodes in
// parallel.
func (c *Cluster) eachCut(ctx context.Context, grudge map[string][]string, what string, pick func(grant.Command) string) error {
	nodes := make([]string, 0, len(grudge))
	for a := range grudge {
		nodes = append(nodes, a)
	}
	sort.Strings(nodes)
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, a := range nodes {
		n := c.byName[a]
		v := c.vars(n)
		for _, b := range grudge[a] {
			v.Peers = append(v.Peers, b)
			v.PeerHosts = append(v.PeerHosts, c.byName[b].Host)
		}
		cmd := grant.Expand(pick(c.spec.Commands[grant.FaultPartition]), v)
		wg.Go(func() { errs[i] = c.sh.run(ctx, a, what, cmd) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// CollectLogs writes the nodes' container logs when a Docker host holds
// them (logs/<node>.log); commands leave no logs to collect.
func (c *Cluster) CollectLogs(ctx context.Context) error {
	if c.spec.Docker == nil {
		return nil
	}
	return c.spec.Docker.CollectLogs(ctx)
}

// Down removes what the run created on the Docker host (its sidecars);
// the nodes are the user's and stay.
func (c *Cluster) Down(ctx context.Context) error {
	if c.spec.Docker == nil {
		return nil
	}
	return c.spec.Docker.Down(ctx)
}
