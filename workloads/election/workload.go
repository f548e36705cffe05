package election

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/targets"
)

// Workload runs the candidates and the observer until Stop.
type Workload struct {
	cfg    Config
	res    resource
	slots  []*slot
	obs    targets.Observer
	cancel context.CancelFunc
	stopCh chan struct{} // closed by Stop
	wg     sync.WaitGroup

	ops atomic.Int64
	seq atomic.Int64

	mu        sync.Mutex
	leader    string // process the observer sees leading, "" for none
	elections int
	stopped   bool
	stopErr   error
	finished  chan struct{} // closed once every goroutine ended
}

// Start starts one candidate per endpoint and the observer. The workload
// runs until Stop, not until ctx is done; ctx only bounds the setup.
func Start(ctx context.Context, cfg Config) (*Workload, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	obs, err := cfg.Target.NewObserver(ctx, cfg.Endpoints, cfg.Log)
	if err != nil {
		return nil, fmt.Errorf("election workload: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w := &Workload{cfg: cfg, res: newResource(cfg.Resource), obs: obs, cancel: cancel,
		stopCh: make(chan struct{}), finished: make(chan struct{})}
	for _, ep := range cfg.Endpoints {
		w.slots = append(w.slots, newSlot(ep))
	}
	w.wg.Go(func() { w.observe(runCtx) })
	for _, s := range w.slots {
		w.wg.Go(func() { w.runSlot(runCtx, s) })
	}
	go func() {
		w.wg.Wait()
		close(w.finished)
	}()
	return w, nil
}

// observe records the observer's view until ctx is done.
func (w *Workload) observe(ctx context.Context) {
	for ctx.Err() == nil {
		err := w.obs.Watch(ctx, w.onLeader)
		if ctx.Err() != nil {
			return
		}
		w.cfg.Log.Warn("observer", "err", err)
		sleep(ctx, retryBackoff)
	}
}

func (w *Workload) onLeader(leader string, token uint64) {
	w.mu.Lock()
	w.leader = leader
	w.mu.Unlock()
	value := map[string]any{"leader": nil}
	if leader != "" {
		value = map[string]any{"leader": leader, "token": token}
	}
	w.record(history.Op{Process: history.Observer, Node: nodeOf(leader), Type: history.Info,
		F: history.FLeader, Value: history.MustValue(value)})
}

// record stamps and writes op.
func (w *Workload) record(op history.Op) history.Op {
	w.ops.Add(1)
	return w.cfg.Rec.Record(op)
}

// Leader returns the node the observer currently sees leading.
func (w *Workload) Leader() (node string, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return nodeOf(w.leader), w.leader != ""
}

// Stats returns the running figures.
func (w *Workload) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return Stats{Ops: w.ops.Load(), Leader: nodeOf(w.leader), Elections: w.elections}
}

// Stop ends the workload: leaders resign, ops cut short complete as info,
// every candidate and the observer are closed, and every goroutine has
// ended when it returns nil. If ctx ends first, candidates are closed
// forcibly and Stop waits a little longer. It is idempotent.
func (w *Workload) Stop(ctx context.Context) error {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		select {
		case <-w.finished:
		case <-ctx.Done():
			return fmt.Errorf("stop election workload: %w", ctx.Err())
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.stopErr
	}
	w.stopped = true
	w.mu.Unlock()

	close(w.stopCh)
	// The waiting candidates give up before the leaders resign, so that a
	// resign hands leadership to nobody still campaigning: each process
	// has a context of its own, and one cancel of them all would end them
	// one after another, in no set order.
	for _, s := range w.slots {
		s.cancelWaiting()
	}
	w.cancel()
	for _, s := range w.slots {
		s.thaw()
		s.recordEnd() // of a process crashed and never restarted
	}
	var err error
	select {
	case <-w.finished:
	case <-ctx.Done():
		// Something hangs on the network: closing the clients ends it.
		for _, s := range w.slots {
			s.closeCandidate()
		}
		select {
		case <-w.finished:
		case <-time.After(resignTimeout):
			err = errors.New("stop election workload: candidates did not end")
		}
	}
	err = errors.Join(err, w.obs.Close())
	w.mu.Lock()
	w.stopErr = err
	w.mu.Unlock()
	return err
}

// nodeOf returns the node of a process id: "n1#2" -> "n1".
func nodeOf(process string) string {
	node, _, _ := strings.Cut(process, "#")
	return node
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
