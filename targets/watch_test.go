package targets

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// lostLog records the reasons a Watch reports.
type lostLog struct {
	mu      sync.Mutex
	reasons []string
}

func (l *lostLog) lost(reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reasons = append(l.reasons, reason)
}

func (l *lostLog) got() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.reasons)
}

// untilDone is a watcher that sees no loss: it returns when ctx is done.
func untilDone(ctx context.Context) string {
	<-ctx.Done()
	return ""
}

// returned reports, on a channel that is closed when it happens, that a
// watcher returned.
func returned(watch Watcher) (Watcher, <-chan struct{}) {
	ch := make(chan struct{})
	return func(ctx context.Context) string {
		defer close(ch)
		return watch(ctx)
	}, ch
}

// stubborn is a watcher that, stopped, says the leadership ended anyway
// (a select that found both the cancellation and an event ready).
func stubborn(reason string) (Watcher, <-chan struct{}) {
	return returned(func(ctx context.Context) string {
		<-ctx.Done()
		return reason
	})
}

// noLost fails the test when log has a reason.
func noLost(t *testing.T, log *lostLog) {
	t.Helper()
	if got := log.got(); len(got) != 0 {
		t.Fatalf("lost %q, want nothing", got)
	}
}

func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: not after 5s", what)
	}
}

// waitLost waits until log has a reason.
func waitLost(t *testing.T, log *lostLog) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(log.got()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("lost not called after 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWatchStopWaitsForTheWatchers(t *testing.T) {
	var w Watch
	release := make(chan struct{})
	var finished atomic.Bool
	cancelled := make(chan struct{})
	w.Start(context.Background(), func(string) { t.Error("lost called") },
		func(ctx context.Context) string {
			<-ctx.Done()
			close(cancelled)
			<-release // a watcher that takes its time to return
			finished.Store(true)
			return ""
		}, untilDone)
	stopped := make(chan struct{})
	go func() {
		w.Stop()
		close(stopped)
	}()
	waitClosed(t, cancelled, "the watcher's context cancelled by Stop")
	select {
	case <-stopped:
		t.Fatal("Stop returned while a watcher was still running")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	waitClosed(t, stopped, "Stop returned once the watcher did")
	if !finished.Load() {
		t.Fatal("Stop returned before the watcher had")
	}
}

func TestWatchConcurrentStopsBothWait(t *testing.T) {
	var w Watch
	release := make(chan struct{})
	var running atomic.Bool
	running.Store(true)
	w.Start(context.Background(), func(string) {}, func(ctx context.Context) string {
		<-ctx.Done()
		<-release
		running.Store(false)
		return ""
	})
	var wg sync.WaitGroup
	var early atomic.Int32
	for range 2 {
		wg.Go(func() {
			w.Stop()
			if running.Load() {
				early.Add(1)
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := early.Load(); n != 0 {
		t.Fatalf("%d of 2 concurrent Stops returned while the watcher ran", n)
	}
}

func TestWatchLostFiresOnce(t *testing.T) {
	for range 200 {
		var w Watch
		var log lostLog
		start := make(chan struct{})
		at := func(reason string) Watcher {
			return func(context.Context) string {
				<-start
				return reason
			}
		}
		w.Start(context.Background(), log.lost, at("key deleted"), at("session expired"), at("key deleted"))
		close(start)
		waitLost(t, &log)
		w.Stop() // every watcher has returned, its reason reported or not
		got := log.got()
		if len(got) != 1 || (got[0] != "key deleted" && got[0] != "session expired") {
			t.Fatalf("lost called with %q, want once with one of the reasons", got)
		}
	}
}

func TestWatchLostStopsTheOtherWatchers(t *testing.T) {
	var w Watch
	var log lostLog
	other, otherDone := returned(untilDone)
	w.Start(context.Background(), log.lost, func(context.Context) string { return "key deleted" }, other)
	waitClosed(t, otherDone, "the other watcher returned after the loss")
	if got := log.got(); !slices.Equal(got, []string{"key deleted"}) {
		t.Fatalf("lost %q, want [key deleted]", got)
	}
	w.Stop()
}

func TestWatchLostBeforeTheContextIsCancelled(t *testing.T) {
	var w Watch
	var cancelledFirst atomic.Bool
	lostCalled := make(chan struct{})
	var wctx context.Context
	ready := make(chan struct{})
	w.Start(context.Background(), func(string) {
		cancelledFirst.Store(wctx.Err() != nil)
		close(lostCalled)
	}, func(ctx context.Context) string {
		wctx = ctx
		close(ready)
		return "gone"
	})
	waitClosed(t, lostCalled, "lost")
	<-ready
	if cancelledFirst.Load() {
		t.Fatal("the watchers were cancelled before lost was called")
	}
	w.Stop()
}

func TestWatchStoppedReportsNothing(t *testing.T) {
	for range 100 {
		var w Watch
		var log lostLog
		late, lateDone := stubborn("late")
		w.Start(context.Background(), log.lost, late, WatchClosed(make(chan struct{}), func() string { return "never" }))
		w.Stop()
		waitClosed(t, lateDone, "the late watcher returned")
		noLost(t, &log)
	}
}

func TestWatchStartStopsTheLastOne(t *testing.T) {
	var w Watch
	var log lostLog
	first, firstDone := stubborn("from the first campaign")
	w.Start(context.Background(), log.lost, first)
	second, secondDone := returned(untilDone)
	w.Start(context.Background(), log.lost, second)
	select {
	case <-firstDone:
	default:
		t.Fatal("Start returned with the last watch still running")
	}
	select {
	case <-secondDone:
		t.Fatal("the new watch ended at once")
	default:
	}
	w.Stop()
	waitClosed(t, secondDone, "the second watcher stopped")
	noLost(t, &log)
}

func TestWatchZeroAndRepeatedStop(t *testing.T) {
	var w Watch
	w.Stop() // never started: nothing to wait for
	w.Start(context.Background(), func(string) {}, untilDone)
	w.Stop()
	w.Stop()
}

func TestWatchParentContext(t *testing.T) {
	var w Watch
	var log lostLog
	ctx, cancel := context.WithCancel(context.Background())
	watcher, done := returned(untilDone)
	w.Start(ctx, log.lost, watcher)
	cancel()
	waitClosed(t, done, "the watcher returned with its parent context")
	w.Stop()
	noLost(t, &log)
}

func TestWatchClosed(t *testing.T) {
	ended := make(chan struct{})
	reason := "before"
	watch := WatchClosed(ended, func() string { return reason })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := watch(ctx); got != "" {
		t.Fatalf("cancelled: %q, want nothing", got)
	}
	reason = "session invalidated" // read when it fires, not before
	close(ended)
	if got := watch(context.Background()); got != "session invalidated" {
		t.Fatalf("ended: %q", got)
	}

	var w Watch
	var log lostLog
	sess := make(chan struct{})
	w.Start(context.Background(), log.lost, WatchClosed(sess, func() string { return "session expired" }), untilDone)
	close(sess)
	waitLost(t, &log)
	w.Stop()
	if got := log.got(); !slices.Equal(got, []string{"session expired"}) {
		t.Fatalf("lost %q, want [session expired]", got)
	}
}
