package runner

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// backendLeaderEvery is how often the backend is asked who leads.
const backendLeaderEvery = 500 * time.Millisecond

// backendLeader follows which node the backend reports as its consensus
// leader, for "leader" faults in runs whose clients elect nobody.
type backendLeader struct {
	mu     sync.Mutex
	node   string
	cancel context.CancelFunc
	done   chan struct{}
}

// watchBackendLeader asks every node, every backendLeaderEvery, whether it
// leads, until Stop.
func watchBackendLeader(ctx context.Context, lr targets.LeaderReporter, eps []targets.Endpoint, log *slog.Logger) *backendLeader {
	ctx, cancel := context.WithCancel(ctx)
	b := &backendLeader{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(backendLeaderEvery)
		defer t.Stop()
		for {
			b.poll(ctx, lr, eps, log)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return b
}

// poll asks every node at once. When several say they lead (an isolated
// old leader that has not noticed yet), the one known before is kept.
func (b *backendLeader) poll(ctx context.Context, lr targets.LeaderReporter, eps []targets.Endpoint, log *slog.Logger) {
	var (
		mu      sync.Mutex
		leaders []string
		wg      sync.WaitGroup
	)
	for _, ep := range eps {
		wg.Go(func() {
			pctx, cancel := context.WithTimeout(ctx, backendLeaderEvery)
			defer cancel()
			leads, err := lr.Leads(pctx, ep)
			if err != nil {
				log.Debug("backend leader", "node", ep.Node, "err", err)
				return
			}
			if leads {
				mu.Lock()
				leaders = append(leaders, ep.Node)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return
	}
	slices.Sort(leaders)
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case len(leaders) == 0:
		b.node = ""
	case !slices.Contains(leaders, b.node):
		b.node = leaders[0]
	}
}

// Leader is the last node found leading.
func (b *backendLeader) Leader() (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.node, b.node != ""
}

// Stop ends the polling and waits for it.
func (b *backendLeader) Stop() {
	b.cancel()
	<-b.done
}
