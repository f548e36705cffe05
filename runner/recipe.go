package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

// withRecipe is target as the plan's recipe elects: the target itself for
// the native recipe, else a target whose candidates and observer keep a
// lease record on the backend's own compare-and-set (lease.Target).
func withRecipe(pl plan.Plan, target targets.Target) (targets.Target, error) {
	if !pl.LeaseRecipe() {
		return target, nil
	}
	lt, ok := target.(lease.Target)
	if !ok {
		return nil, BadInput(fmt.Errorf("recipe %s: %s keeps no lease record", pl.Recipe, target.Name()))
	}
	t := pl.Timings()
	return &recipeTarget{Target: target, lt: lt, recipe: pl.Recipe, cfg: lease.Config{
		Duration: pl.LeaseTTL, RenewEvery: t.RenewEvery, RenewDeadline: t.RenewDeadline, RetryPeriod: t.RetryPeriod,
	}}, nil
}

// recipeTarget is a backend electing by a lease recipe.
type recipeTarget struct {
	targets.Target
	lt     lease.Target
	recipe string
	cfg    lease.Config // the timings; per candidate: process, clock, log
}

// NewCandidate is a lease candidate on its own Store, which talks only to
// ep through cfg's dialer (freezable, behind the link proxy).
func (t *recipeTarget) NewCandidate(ctx context.Context, ep targets.Endpoint, cfg targets.CandidateConfig) (targets.Candidate, error) {
	store, err := t.lt.NewLeaseStore(ctx, ep, lease.StoreConfig{Process: cfg.Process, Dial: cfg.Dial, Log: cfg.Log})
	if err != nil {
		return nil, fmt.Errorf("%s candidate %s: %w", t.recipe, cfg.Process, err)
	}
	c := t.cfg
	c.Process, c.Clock, c.Pause, c.Log = cfg.Process, cfg.Clock, cfg.Pause, cfg.Log
	if t.recipe == plan.RecipeLeaseObserved {
		return lease.NewObserved(store, c), nil
	}
	return lease.NewTimestamp(store, c), nil
}

// NewObserver watches the lease record.
func (t *recipeTarget) NewObserver(_ context.Context, eps []targets.Endpoint, log *slog.Logger) (targets.Observer, error) {
	if len(eps) == 0 {
		return nil, errors.New("lease observer: no endpoints")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &recordObserver{lt: t.lt, eps: eps, every: observeEvery, log: log}, nil
}

// observeEvery is how often the lease observer reads the record.
const observeEvery = 50 * time.Millisecond

// recordObserver reports the lease record's holder while its lease runs
// by the true clock, and the epoch token: the backend's view of who may
// lead. It reads through one node at a time, moving to the next when a
// read fails (a node cut off or paused).
type recordObserver struct {
	lt    lease.Target
	eps   []targets.Endpoint
	every time.Duration
	log   *slog.Logger
}

func (o *recordObserver) Watch(ctx context.Context, fn func(leader string, token uint64)) error {
	var (
		store  lease.Store
		next   int
		last   = "\x00" // nothing reported yet
		lastTk uint64
	)
	defer func() {
		if store != nil {
			_ = store.Close()
		}
	}()
	tick := time.NewTicker(o.every)
	defer tick.Stop()
	for {
		if store == nil {
			ep := o.eps[next%len(o.eps)]
			next++
			s, err := o.lt.NewLeaseStore(ctx, ep, lease.StoreConfig{Process: "observer", Log: o.log})
			if err != nil {
				o.log.Debug("lease observer: store", "node", ep.Node, "err", err)
			} else {
				store = s
			}
		}
		if store != nil {
			leader, token, err := o.read(ctx, store)
			switch {
			case err != nil:
				o.log.Debug("lease observer: read", "err", err)
				_ = store.Close()
				store = nil
			case leader != last || token != lastTk:
				last, lastTk = leader, token
				fn(leader, token)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// read is the record's holder (while it holds by the true clock) and the
// holder's token; "" and 0 for none.
func (o *recordObserver) read(ctx context.Context, store lease.Store) (string, uint64, error) {
	rctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	snap, err := store.Get(rctx)
	if errors.Is(err, lease.ErrNotFound) {
		return "", 0, nil
	}
	if err != nil {
		return "", 0, err
	}
	rec, err := lease.DecodeRecord(snap.Data)
	if err != nil {
		return "", 0, err
	}
	if !rec.HeldAt(time.Now()) {
		return "", 0, nil
	}
	return rec.Holder, snap.Token, nil
}

func (o *recordObserver) Close() error { return nil }
