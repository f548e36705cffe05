//go:build !nokube

package lease

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/client-go/tools/leaderelection"
	rl "k8s.io/client-go/tools/leaderelection/resourcelock"
	"k8s.io/klog/v2"

	"github.com/chaos-election/chaos/targets"
)

// observed is the lease-observed candidate: client-go's LeaderElector, the
// real one, over a storeLock. client-go judges a lease by when it saw the
// record change, on the real clock (its clock is not settable): cfg.Clock
// does not reach it, so clock offsets do not either.
type observed struct {
	res  Resource
	cfg  Config // Defaults applied
	log  *slog.Logger
	klog logr.Logger
	lock TenureLock

	targets.Leadership
	watch targets.Watch // of the elector's Run: closes lost when it returns

	base   context.Context // cancelled by Close
	cancel context.CancelFunc

	mu        sync.Mutex
	run       *electorRun // the last Campaign's, until it returned
	closeOnce sync.Once
}

// electorRun is one LeaderElector.Run.
type electorRun struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when Run returned
}

var _ targets.Candidate = (*observed)(nil)

// NewObserved returns a lease-observed candidate on store. It contacts
// nothing until Campaign.
//
// Each Campaign runs a new leaderelection.LeaderElector with
// LeaseDuration cfg.Duration, cfg's RenewDeadline and RetryPeriod (their
// defaults filled) and ReleaseOnCancel, until it starts leading. Lost is
// closed when the elector stops ([ReasonRenewDeadline]: client-go calls
// OnStoppedLeading once Run returns, after its release attempt, which may
// take up to RenewDeadline when the store hangs) or when it took the
// lease again under a new token ([ReasonRetaken]). client-go reads the
// real clock, not cfg.Clock. Its logs go to cfg.Log at debug level.
// While cfg.Pause pauses the client, the lock's reads and writes wait
// and so does the news that the elector stopped: client-go's own timers
// run on (they are not injectable), but nothing they decide acts before
// the pause ends.
func NewObserved(store Store, cfg Config) targets.Candidate {
	cfg = cfg.Defaults()
	log := logger(cfg.Log).With("process", cfg.Process, "recipe", RecipeObserved)
	store = withPause(store, cfg.Pause)
	return NewElector(newStoreLock(store, cfg.Process, log), store, cfg, log)
}

// TenureLock is the resourcelock.Interface a client-go candidate runs on,
// which also knows the tenures its writes began: Begin starts one (the
// next write naming this process the holder is a takeover, retaken is
// called when a later takeover in the same tenure moves the token),
// Token is the token of the tenure's takeover (0 = none yet), LastErr the
// outcome of its last request. Its requests wait through the
// candidate's client pause.
type TenureLock interface {
	rl.Interface
	Begin(retaken func())
	Token() uint64
	LastErr() error
}

// Resource is where a client-go candidate's fenced writes go, and what it
// closes with itself.
type Resource interface {
	FencedWrite(ctx context.Context, token uint64, value []byte) error
	Close() error
}

// NewElector is a candidate that elects with client-go's LeaderElector
// on lock, as lease-observed does on a Store (NewObserved) and target
// kubernetes on client-go's own LeaseLock, fencing through res; log
// already names the process.
func NewElector(lock TenureLock, res Resource, cfg Config, log *slog.Logger) targets.Candidate {
	cfg = cfg.Defaults()
	base, cancel := context.WithCancel(context.Background())
	kl := logr.Discard()
	if cfg.Log != nil {
		kl = electorLogger(log)
	}
	return &observed{res: res, cfg: cfg, log: log, klog: kl, lock: lock, base: base, cancel: cancel}
}

// Campaign stops the elector of the last campaign (which releases the
// lease if it still leads), then runs a new one until it leads, and
// returns the token of the takeover that made this process leader.
func (c *observed) Campaign(ctx context.Context) (uint64, error) {
	c.watch.Stop()
	c.stopRun()
	c.Start()
	if err := CheckObserved(c.cfg); err != nil {
		return 0, fmt.Errorf("campaign: %w", err)
	}
	lost := c.Lost()
	c.lock.Begin(func() { c.End(lost, ReasonRetaken) })
	started := make(chan struct{})
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:            c.lock,
		LeaseDuration:   c.cfg.Duration,
		RenewDeadline:   c.cfg.RenewDeadline,
		RetryPeriod:     c.cfg.RetryPeriod,
		ReleaseOnCancel: true,
		Name:            c.cfg.Process,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(context.Context) { close(started) },
			OnStoppedLeading: func() {},
			OnNewLeader:      func(id string) { c.log.Debug("client-go: new leader", "leader", id) },
		},
	})
	if err != nil {
		return 0, fmt.Errorf("campaign: %w", err)
	}
	rctx, cancel := context.WithCancel(klog.NewContext(c.base, c.klog))
	run := &electorRun{cancel: cancel, done: make(chan struct{})}
	c.mu.Lock()
	c.run = run
	c.mu.Unlock()
	go func() {
		defer close(run.done)
		le.Run(rctx)
	}()
	select {
	case <-started:
	case <-run.done:
		if !targets.Closed(started) {
			return 0, fmt.Errorf("campaign: %w", errClosed)
		}
	case <-ctx.Done():
		c.stopRun()
		return 0, fmt.Errorf("campaign: %w", ctx.Err())
	}
	tok := c.lock.Token()
	c.Won()
	c.watch.Start(c.base, func(reason string) { c.End(lost, reason) },
		targets.WatchClosed(run.done, func() string {
			_ = c.cfg.Pause.Wait(c.base) // a paused process learns it lost when it runs again
			return ReasonRenewDeadline
		}))
	c.log.Debug("client-go: leading", "token", tok)
	return tok, nil
}

// stopRun cancels the last elector and waits until its Run returned
// (after its release).
func (c *observed) stopRun() {
	c.mu.Lock()
	r := c.run
	c.run = nil
	c.mu.Unlock()
	if r != nil {
		r.cancel()
		<-r.done
	}
}

// Resign cancels the elector, whose ReleaseOnCancel writes the record
// released, and waits until it returned. The error is the store's, when
// the release's last request failed.
func (c *observed) Resign(ctx context.Context) error {
	c.watch.Stop()
	c.Stop()
	c.mu.Lock()
	r := c.run
	c.mu.Unlock()
	if r == nil {
		return nil
	}
	r.cancel()
	select {
	case <-r.done:
	case <-ctx.Done():
		return fmt.Errorf("resign: waiting for client-go's release: %w", ctx.Err())
	}
	c.mu.Lock()
	if c.run == r {
		c.run = nil
	}
	c.mu.Unlock()
	if err := c.lock.LastErr(); err != nil {
		return fmt.Errorf("resign: %w", err)
	}
	return nil
}

// FencedWrite is the store's: accepted only while the epoch is token.
func (c *observed) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	if err := c.res.FencedWrite(ctx, token, value); err != nil {
		return fmt.Errorf("fenced write: %w", err)
	}
	return nil
}

// Close stops the elector (releasing the lease if it leads) and closes
// the store. It is idempotent.
func (c *observed) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.watch.Stop()
		c.cancel()
		c.stopRun()
		err = c.res.Close()
	})
	return err
}
