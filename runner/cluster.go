package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/chaos-election/chaos/compose"
	"github.com/chaos-election/chaos/external"
	"github.com/chaos-election/chaos/external/grant"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/kubernetes"
)

// DefaultExternalHealthTimeout bounds the wait for every node of an
// external cluster to pass the target's probe, when the plan sets none.
const DefaultExternalHealthTimeout = 30 * time.Second

// CommandsLog is where an external cluster's fault commands are recorded,
// under the run directory.
const CommandsLog = "logs/commands.log"

// runCluster is one run's cluster as the runner drives it: the nemesis's
// primitives, the nodes' endpoints, and the end of the run (logs, then
// removing what the run created).
type runCluster interface {
	nemesis.Cluster
	Endpoints() []targets.Endpoint
	CollectLogs(ctx context.Context) error
	Down(ctx context.Context) error
}

// composeCluster is a cluster the harness started, with the Docker client
// it was started through.
type composeCluster struct {
	*compose.Cluster
	dc interface{ Close() error }
}

func (c composeCluster) Down(ctx context.Context) error {
	return errors.Join(c.Cluster.Down(ctx), c.dc.Close())
}

func (c composeCluster) Endpoints() []targets.Endpoint {
	var eps []targets.Endpoint
	for _, n := range c.Nodes() {
		eps = append(eps, targets.Endpoint{Node: n.Name, Addr: n.ClientAddr})
	}
	return eps
}

// externalCluster is a cluster the harness did not start; close releases
// its Docker client and the commands' log.
type externalCluster struct {
	*external.Cluster
	close func() error
}

func (c externalCluster) Down(ctx context.Context) error {
	return errors.Join(c.Cluster.Down(ctx), c.close())
}

// startCluster brings the plan's cluster up (compose) or attaches to it
// (external), and returns once every node passes the target's probe. On
// an error nothing it started is left.
func startCluster(ctx context.Context, pl plan.Plan, rd RunDir, target targets.Target, log *slog.Logger) (runCluster, error) {
	probe := func(ctx context.Context, ep targets.Endpoint) error { return target.Probe(ctx, ep) }
	if pl.Cluster != plan.ClusterExternal {
		dc, err := compose.NewDocker(ctx)
		if err != nil {
			return nil, err
		}
		// Build what this plan's cluster needs and the machine lacks, and
		// nothing else: a first run need not wait for every backend.
		if err := compose.EnsureImages(ctx, dc, pl.Target, compose.BuildOptions{Log: log}); err != nil {
			return nil, errors.Join(err, dc.Close())
		}
		c, err := compose.Up(ctx, dc, composeSpec(pl, rd, probe, log))
		if err != nil {
			return nil, errors.Join(err, dc.Close())
		}
		return composeCluster{Cluster: c, dc: dc}, nil
	}
	nodes, servers, err := externalNodes(pl, target)
	if err != nil {
		return nil, err
	}
	return attachExternal(ctx, pl, rd, nodes, servers, probe, log)
}

// externalNodes are the nodes of the plan's external cluster: those it
// lists, or, on a staging Kubernetes cluster, the candidates n1..n<nodes>,
// each dialing the kubeconfig's API server, which is its one server
// ("apiserver", for the commands that pause or kill it).
func externalNodes(pl plan.Plan, target targets.Target) (nodes, servers []external.Node, _ error) {
	if kt, ok := target.(*kubernetes.Target); ok {
		srv, err := kt.APIServer()
		if err != nil {
			return nil, nil, BadInput(err)
		}
		for i := range pl.Nodes {
			nodes = append(nodes, external.Node{Name: fmt.Sprintf("n%d", i+1), Endpoint: srv.Addr})
		}
		return nodes, []external.Node{{Name: nemesis.VictimAPIServer, Endpoint: srv.Addr}}, nil
	}
	for i, n := range pl.External.Nodes {
		nodes = append(nodes, external.Node{Name: fmt.Sprintf("n%d", i+1), Endpoint: n.Endpoint, Host: n.Host, Container: n.Container})
	}
	return nodes, nil, nil
}

// composeSpec is the cluster compose starts for the plan: its backend,
// nodes, servers' settings and link delays, under the run's id and
// directory, healthy once each node passes probe.
func composeSpec(pl plan.Plan, rd RunDir, probe func(context.Context, targets.Endpoint) error, log *slog.Logger) compose.Spec {
	return compose.Spec{
		Target: pl.Target, Nodes: pl.Nodes, RunID: rd.ID, Dir: rd.Path, Log: log,
		DelayLinks: pl.DelaysNodeLinks(), RateLinks: pl.ShapesNodeLinks(), Seed: uint64(pl.Seed), Tuning: pl.Tuning(),
		APIServers: pl.APIServers(),
		Healthy: func(ctx context.Context, n compose.Node) error {
			return probe(ctx, targets.Endpoint{Node: n.Name, Addr: n.ClientAddr})
		},
	}
}

// attachExternal makes the external cluster of the plan with nodes (and
// servers in front of them): its
// Docker host when granted, its commands recorded in logs/commands.log.
func attachExternal(ctx context.Context, pl plan.Plan, rd RunDir, nodes, servers []external.Node, probe func(context.Context, targets.Endpoint) error,
	log *slog.Logger) (_ runCluster, err error) {
	e := pl.External
	var closers []func() error
	closeAll := func() error {
		var errs []error
		for _, c := range slices.Backward(closers) {
			errs = append(errs, c())
		}
		closers = nil
		return errors.Join(errs...)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, closeAll())
		}
	}()
	if err := os.MkdirAll(filepath.Join(rd.Path, compose.LogsDir), 0o755); err != nil {
		return nil, fmt.Errorf("run directory: %w", err)
	}
	cmdLog, err := os.Create(filepath.Join(rd.Path, CommandsLog))
	if err != nil {
		return nil, fmt.Errorf("commands log: %w", err)
	}
	closers = append(closers, cmdLog.Close)
	spec := external.Spec{Nodes: nodes, Servers: servers, Commands: e.Commands, Timeout: e.CommandTimeout, Output: cmdLog, Log: log}
	if e.Docker {
		dc, err := compose.NewDocker(ctx)
		if err != nil {
			return nil, err
		}
		closers = append(closers, dc.Close)
		var nodes []compose.AttachNode
		for _, n := range spec.Nodes {
			nodes = append(nodes, compose.AttachNode{Name: n.Name, Container: n.Container})
		}
		partitions := grant.Grant(grant.FaultPartition, e.Commands, true) == "docker" &&
			slices.ContainsFunc(pl.Nemesis.Faults, func(f nemesis.FaultSpec) bool { return f.Kind == "partition" || f.Kind == "flaky" })
		as := compose.AttachSpec{RunID: rd.ID, Dir: rd.Path, Nodes: nodes, Partitions: partitions, AgentsByExec: compose.EngineIsRemote(), Log: log}
		if spec.Docker, err = compose.Attach(ctx, dc, as); err != nil {
			return nil, err
		}
	}
	c, err := external.New(spec)
	if err != nil {
		return nil, BadInput(err)
	}
	timeout := e.HealthTimeout
	if timeout == 0 {
		timeout = DefaultExternalHealthTimeout
	}
	if err := waitHealthy(ctx, c.Endpoints(), probe, timeout); err != nil {
		return nil, err
	}
	log.Info("external cluster reachable", "nodes", len(spec.Nodes), "grants", c.Grants())
	return externalCluster{Cluster: c, close: closeAll}, nil
}

// waitHealthy polls every endpoint's probe until each passes once, or
// timeout runs out; the error names the nodes that did not.
func waitHealthy(ctx context.Context, eps []targets.Endpoint, probe func(context.Context, targets.Endpoint) error, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	errs := make([]error, len(eps))
	var wg sync.WaitGroup
	for i, ep := range eps {
		wg.Go(func() {
			for {
				if errs[i] = probe(ctx, ep); errs[i] == nil {
					return
				}
				select {
				case <-ctx.Done():
					errs[i] = fmt.Errorf("%s at %s not healthy within %s: %w", ep.Node, ep.Addr, timeout, errs[i])
					return
				case <-time.After(500 * time.Millisecond):
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("external cluster: %w", err)
	}
	return nil
}
