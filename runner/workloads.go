package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/workloads/election"
	"github.com/chaos-election/chaos/workloads/register"
)

// clients are the plan's workloads, as the nemesis (who leads, the client
// pause and kill) and the progress line see them.
type clients struct {
	el     *election.Workload // nil without the election workload
	reg    *register.Workload // nil without the register workload
	leader *backendLeader     // the backend's own leader, without election
	// servers is the nodes' own leader where the candidates run apart
	// from the nodes (target kubernetes: etcd's raft leader), for the
	// faults on nodes aimed at the leader.
	servers *backendLeader
}

// startWorkloads starts the plan's workloads on eps; with links, the
// clients talk to their nodes through them. The register workload's seed
// is drawn from rng only when it runs, so that an election plan's fault
// schedule is the same as before for a seed.
func startWorkloads(ctx context.Context, pl plan.Plan, target targets.Target, eps []targets.Endpoint, lk *links,
	rec *history.Writer, rng *rand.Rand, log *slog.Logger) (*clients, error) {
	c := &clients{}
	var dial func(node string) targets.Dialer
	if lk != nil {
		dial = lk.Dial
	}
	if pl.Election() {
		elTarget, err := withRecipe(pl, target) // the candidates' and the observer's
		if err != nil {
			return nil, err
		}
		el, err := election.Start(ctx, election.Config{
			Target: elTarget, Endpoints: eps, Dial: dial, Resource: pl.Resource,
			TTL: pl.LeaseTTL, WriteEvery: pl.WriteEvery, Rec: rec, Log: log,
		})
		if err != nil {
			return nil, fmt.Errorf("election workload: %w", err)
		}
		c.el = el
		if lr, ok := target.(targets.LeaderReporter); ok && pl.Target == plan.TargetKubernetes && pl.Cluster != plan.ClusterExternal {
			c.servers = watchBackendLeader(ctx, lr, eps, log)
		}
	} else if lr, ok := target.(targets.LeaderReporter); ok {
		c.leader = watchBackendLeader(ctx, lr, eps, log)
	}
	if pl.RegisterWorkload() {
		rt, ok := target.(targets.RegisterTarget)
		if !ok {
			return nil, errors.Join(fmt.Errorf("register workload: %s has no register client", target.Name()), c.Stop(ctx))
		}
		reg, err := register.Start(ctx, register.Config{
			Target: rt, Endpoints: eps, ReadMode: pl.Register.ReadMode,
			Keys: pl.Register.Keys, PerNode: pl.Register.ClientsPerNode, Every: pl.Register.Every,
			Seed: rng.Uint64(), Dial: dial, Rec: rec, Log: log,
		})
		if err != nil {
			return nil, errors.Join(fmt.Errorf("register workload: %w", err), c.Stop(ctx))
		}
		c.reg = reg
	}
	return c, nil
}

// Leader is the node whose candidate leads (election), else the node the
// backend reports as its consensus leader.
func (c *clients) Leader() (string, bool) {
	switch {
	case c.el != nil:
		return c.el.Leader()
	case c.leader != nil:
		return c.leader.Leader()
	}
	return "", false
}

// Freeze pauses the node's candidate; only the election workload has one
// (plans without it reject client-pause faults).
func (c *clients) Freeze(ctx context.Context, node string, d time.Duration) (string, error) {
	if c.el == nil {
		return "", fmt.Errorf("freeze %s: no election workload", node)
	}
	return c.el.Freeze(ctx, node, d)
}

// Crash crashes the node's candidate process (a client-kill); only the
// election workload has candidates (plans without it reject client-kill
// faults).
func (c *clients) Crash(ctx context.Context, node string) (string, func(), error) {
	if c.el == nil {
		return "", nil, fmt.Errorf("crash %s's client: no election workload", node)
	}
	return c.el.Crash(ctx, node)
}

// Restart starts a fresh candidate process on the node after its crash.
func (c *clients) Restart(ctx context.Context, node string) (string, error) {
	if c.el == nil {
		return "", fmt.Errorf("restart %s's client: no election workload", node)
	}
	return c.el.Restart(ctx, node)
}

// SetClock skews or slows the clock of the node's candidates; only the
// election workload has candidates (plans without it reject clock faults).
func (c *clients) SetClock(ctx context.Context, node string, offset time.Duration, rate float64) (string, error) {
	if c.el == nil {
		return "", fmt.Errorf("clock of %s: no election workload", node)
	}
	return c.el.SetClock(ctx, node, offset, rate)
}

// ResetClock returns the node's candidates' clock to true time.
func (c *clients) ResetClock(node string) error {
	if c.el == nil {
		return fmt.Errorf("clock of %s: no election workload", node)
	}
	return c.el.ResetClock(node)
}

// Stop ends every workload; ops cut short complete as info.
func (c *clients) Stop(ctx context.Context) error {
	var err error
	if c.reg != nil {
		c.reg.Stop()
	}
	if c.el != nil {
		err = c.el.Stop(ctx)
	}
	if c.leader != nil {
		c.leader.Stop()
	}
	if c.servers != nil {
		c.servers.Stop()
	}
	return err
}
