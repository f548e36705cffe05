package compose

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Down removes exactly what this run created: every container labelled
// with the run's id, killed without a stop grace period — the nodes
// first, then their network agents, whose namespaces the nodes are in —
// then the run's network. It is idempotent.
//
// Teardown must happen even when the run is cancelled: pass a context
// that outlives cancellation, e.g.
// context.WithTimeout(context.WithoutCancel(ctx), 90*time.Second).
func (c *Cluster) Down(ctx context.Context) error {
	for _, ag := range c.agents {
		ag.client.close()
	}
	removed, err := removeLabelled(ctx, c.api, runFilter(c.spec.RunID))
	if len(removed) > 0 {
		c.log.Info("cluster down", "removed", len(removed))
	}
	if err != nil {
		return fmt.Errorf("down %s: %w", prefix(c.spec.RunID), err)
	}
	return nil
}

// DownAll removes every container and network labelled
// io.chaos.project=chaos, whatever run left them (`chaos down`: after a
// harness killed outright, its nodes, their network agents and
// networks), and returns their names. Like Down it wants a context that outlives
// cancellation.
func DownAll(ctx context.Context, dc *client.Client, log *slog.Logger) ([]string, error) {
	return downAll(ctx, dc, projectFilter(), log)
}

// DownRun is DownAll for the containers and networks of one run (its
// io.chaos.run label): what `chaos down --run ID` removes, leaving every
// other run's alone.
func DownRun(ctx context.Context, dc *client.Client, runID string, log *slog.Logger) ([]string, error) {
	if err := checkRunID(runID); err != nil {
		return nil, err
	}
	f := projectFilter()
	f.Add("label", LabelRun+"="+runID)
	return downAll(ctx, dc, f, log)
}

func downAll(ctx context.Context, api interface {
	containerAPI
	networkAPI
}, f client.Filters, log *slog.Logger) ([]string, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	removed, err := removeLabelled(ctx, api, f)
	for _, r := range removed {
		log.Info("removed", "name", r)
	}
	if err != nil {
		return removed, fmt.Errorf("down all: %w", err)
	}
	return removed, nil
}

// removeLabelled force-removes the containers, then the networks, that
// match f, and returns the names of what it removed ("container NAME",
// "network NAME"). The nodes go before the network agents whose network
// namespaces they joined. Objects already gone are no error.
func removeLabelled(ctx context.Context, api interface {
	containerAPI
	networkAPI
}, f client.Filters) ([]string, error) {
	cs, err := api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	var agents, others []container.Summary
	for _, ct := range cs.Items {
		if ct.Labels[LabelRole] == roleNetAgent {
			agents = append(agents, ct)
		} else {
			others = append(others, ct)
		}
	}
	removed, errs := removeContainers(ctx, api, others)
	r, e := removeContainers(ctx, api, agents)
	removed, errs = append(removed, r...), append(errs, e...)
	nets, err := api.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return removed, errors.Join(append(errs, fmt.Errorf("list networks: %w", err))...)
	}
	for _, n := range nets.Items {
		if err := removeNetwork(ctx, api, n.ID); err != nil {
			errs = append(errs, fmt.Errorf("remove network %s: %w", n.Name, err))
			continue
		}
		removed = append(removed, "network "+n.Name)
	}
	return removed, errors.Join(errs...)
}

// removeContainers force-removes cs in parallel.
func removeContainers(ctx context.Context, api containerAPI, cs []container.Summary) ([]string, []error) {
	var (
		mu      sync.Mutex
		removed []string
		errs    []error
		wg      sync.WaitGroup
	)
	for _, ct := range cs {
		wg.Go(func() {
			name := ct.ID[:min(12, len(ct.ID))]
			if len(ct.Names) > 0 {
				name = strings.TrimPrefix(ct.Names[0], "/")
			}
			_, err := api.ContainerRemove(ctx, ct.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				removed = append(removed, "container "+name)
			case !errdefs.IsNotFound(err):
				errs = append(errs, fmt.Errorf("remove container %s: %w", name, err))
			}
		})
	}
	wg.Wait()
	return removed, errs
}

// removeNetwork removes a network, retrying briefly while the engine
// still counts endpoints of just-removed containers.
func removeNetwork(ctx context.Context, api networkAPI, id string) error {
	for attempt := 0; ; attempt++ {
		_, err := api.NetworkRemove(ctx, id, client.NetworkRemoveOptions{})
		if err == nil || errdefs.IsNotFound(err) {
			return nil
		}
		if attempt >= 20 || !strings.Contains(err.Error(), "active endpoints") {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}
