package targets

import (
	"context"
	"sync"
)

// Watch runs the watchers of one leadership: goroutines that each block
// until they see the leadership end, or until they are stopped. The first
// that sees it ends reports why to a lost callback, once, and the others
// are then stopped. A candidate holds one Watch: it starts it when a
// campaign is won and stops it before the next campaign, a resignation or
// Close. The zero value is stopped and ready to use.
type Watch struct {
	mu  sync.Mutex
	run *watchRun // the last Start's; nil before the first
}

// A Watcher blocks until it sees the leadership end and returns why, or
// until ctx is done and returns "".
type Watcher func(ctx context.Context) (reason string)

// watchRun is one Start's watchers.
type watchRun struct {
	mu     sync.Mutex
	over   bool // lost was called, or Stop was
	cancel context.CancelFunc
	done   chan struct{} // closed once every watcher has returned
}

// Start stops the watchers running, waiting for them, then starts each of
// watchers in a goroutine under a context derived from ctx that Stop
// cancels. The first reason a watcher returns goes to lost, in that
// watcher's goroutine, and no other reason does; the watchers' context is
// cancelled then. A reason returned once Stop was called goes nowhere.
// Neither lost nor a watcher may call Start or Stop.
func (w *Watch) Start(ctx context.Context, lost func(reason string), watchers ...Watcher) {
	w.Stop()
	wctx, cancel := context.WithCancel(ctx)
	r := &watchRun{cancel: cancel, done: make(chan struct{})}
	w.mu.Lock()
	w.run = r
	w.mu.Unlock()
	var wg sync.WaitGroup
	for _, watch := range watchers {
		wg.Go(func() {
			if reason := watch(wctx); reason != "" {
				r.end(func() { lost(reason) })
			}
		})
	}
	go func() {
		wg.Wait()
		close(r.done)
	}()
}

// Stop cancels the watchers of the last Start and waits until every one
// has returned: lost is not called after Stop returns, nor after Stop was
// called. It may be called again, and concurrently; on a Watch never
// started it does nothing.
func (w *Watch) Stop() {
	w.mu.Lock()
	r := w.run
	w.mu.Unlock()
	if r == nil {
		return
	}
	r.end(nil)
	<-r.done
}

// end ends the run unless it is over already, calling then (when not
// nil) before it cancels the watchers.
func (r *watchRun) end(then func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.over {
		return
	}
	r.over = true
	if then != nil {
		then()
	}
	r.cancel()
}

// WatchClosed is a Watcher that returns why() once ended is closed: the
// end of a session ends the leadership held with it.
func WatchClosed(ended <-chan struct{}, why func() string) Watcher {
	return func(ctx context.Context) string {
		select {
		case <-ended:
			return why()
		case <-ctx.Done():
			return ""
		}
	}
}
