package lease

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// timestamp is the lease-timestamp candidate: it trusts the record's
// expires as its own clock reads it, so a skewed clock misleads it the way
// it misleads a home-grown election on a database row.
type timestamp struct {
	store Store
	cfg   Config // Defaults applied
	clock targets.Clock
	log   *slog.Logger

	targets.Leadership
	watch targets.Watch // the renewal and the own-clock expiry of a tenure

	base   context.Context // cancelled by Close
	cancel context.CancelFunc

	mu        sync.Mutex
	cur       *tenure // the last successful Campaign's, until Resign or the next Campaign
	closeOnce sync.Once
}

var (
	_ targets.Candidate        = (*timestamp)(nil)
	_ targets.TakeoverReporter = (*timestamp)(nil)
)

// errClosed is the error of a campaign cut short by Close.
var errClosed = errors.New("candidate closed")

// NewTimestamp returns a lease-timestamp candidate on store. It contacts
// nothing until Campaign.
//
// Campaign reads the record and takes it over by Acquire when there is
// none, when it is released, when its expires is past by this candidate's
// clock, or when it is this process's own from an earlier tenure; it
// polls every RenewEvery while another holds it. The holder renews every
// RenewEvery, writing expires = its clock + Duration at the version it
// last wrote, and stops leading (Lost) when a renewal finds the record
// rewritten by another ([ReasonRecordTaken]) or when its clock passes the
// expires it last wrote without a renewal succeeding in between
// ([ReasonExpired]). Time is read through cfg.Clock; timers run on the
// real clock, and while cfg.Pause pauses the client they fire, and the
// record is read and written, only when the pause ends.
func NewTimestamp(store Store, cfg Config) targets.Candidate {
	cfg = cfg.Defaults()
	clock := cfg.Clock
	if clock == nil {
		clock = targets.RealClock{}
	}
	base, cancel := context.WithCancel(context.Background())
	store = withPause(store, cfg.Pause)
	return &timestamp{store: store, cfg: cfg, clock: clock,
		log:  logger(cfg.Log).With("process", cfg.Process, "recipe", RecipeTimestamp),
		base: base, cancel: cancel}
}

// Campaign takes the lease over as soon as this candidate's clock says it
// is free and returns the takeover's token. A write of unknown outcome
// ends it with that error; an unreadable record ends it with an error too
// (it polls through read errors otherwise).
func (c *timestamp) Campaign(ctx context.Context) (uint64, error) {
	c.watch.Stop()
	c.Start()
	c.setTenure(nil)
	if c.cfg.Duration <= 0 || c.cfg.RenewEvery <= 0 {
		return 0, fmt.Errorf("campaign: %s needs a positive lease duration and renewal period, got %v and %v",
			RecipeTimestamp, c.cfg.Duration, c.cfg.RenewEvery)
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.base, cancel)()
	for {
		t, wait, err := c.try(cctx)
		switch {
		case err != nil:
			return 0, c.campaignErr(ctx, err)
		case t != nil:
			if c.base.Err() != nil {
				return 0, fmt.Errorf("campaign: %w", errClosed)
			}
			c.lead(t)
			return t.token, nil
		}
		if wait && !sleep(cctx, c.cfg.RenewEvery, c.cfg.Pause) {
			return 0, c.campaignErr(ctx, cctx.Err())
		}
	}
}

// campaignErr is the error a campaign ends with: the caller's context's
// when it is done, errClosed when Close cut it short, else err.
func (c *timestamp) campaignErr(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("campaign: %w", ctx.Err())
	case c.base.Err() != nil:
		return fmt.Errorf("campaign: %w", errClosed)
	}
	return fmt.Errorf("campaign: %w", err)
}

// try makes one attempt: it returns the tenure it won, or whether to wait
// before the next attempt (false: retry at once), or the error that ends
// the campaign.
func (c *timestamp) try(ctx context.Context) (t *tenure, wait bool, err error) {
	snap, err := c.store.Get(ctx)
	var prev Record
	switch {
	case ctx.Err() != nil:
		return nil, false, ctx.Err()
	case errors.Is(err, ErrNotFound):
		snap = Snapshot{}
	case err != nil:
		c.log.Debug("lease campaign: read", "err", err)
		return nil, true, nil
	default:
		if prev, err = DecodeRecord(snap.Data); err != nil {
			return nil, false, err
		}
		if prev.Holder != c.cfg.Process && prev.HeldAt(c.clock.Now()) {
			return nil, true, nil
		}
	}
	now := c.clock.Now()
	rec := Record{Holder: c.cfg.Process, Expires: now.Add(c.cfg.Duration), Duration: c.cfg.Duration,
		Acquired: now, Renewed: now}
	if !snap.Version.IsZero() {
		rec.Transitions = prev.Transitions + 1
	}
	data, err := rec.Encode()
	if err != nil {
		return nil, false, err
	}
	won, err := c.store.Acquire(ctx, data, snap.Version)
	switch {
	case errors.Is(err, ErrConflict):
		c.log.Debug("lease campaign: taken first", "err", err)
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("acquire: %w", err)
	}
	c.log.Debug("lease acquired", "token", won.Token, "version", won.Version.N, "prev_holder", prev.Holder)
	t = &tenure{token: won.Token, ver: won.Version, rec: rec}
	if prev.Holder != "" && prev.Holder != c.cfg.Process {
		// How far the expiry it took over lay ahead of true time: the
		// holder's stamp read against the real clock, not this
		// candidate's (which may be the one that is off).
		t.from = &targets.Takeover{From: prev.Holder, ExpiresIn: prev.Expires.Sub(time.Now())}
	}
	return t, false, nil
}

// lead starts the tenure t: its renewal and its expiry by the own clock,
// either of which ends the leadership.
func (c *timestamp) lead(t *tenure) {
	lost := c.Won()
	c.setTenure(t)
	c.watch.Start(c.base, func(reason string) {
		if c.End(lost, reason) {
			c.log.Debug("lease lost", "token", t.token, "reason", reason)
		}
	}, c.renewer(t), c.expiry(t))
}

func (c *timestamp) setTenure(t *tenure) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur = t
}

// LastTakeover is what the last successful Campaign took over: the
// holder its record named and how far that record's expires lay ahead of
// true time. ok is false when it named nobody else.
func (c *timestamp) LastTakeover() (targets.Takeover, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil || c.cur.from == nil {
		return targets.Takeover{}, false
	}
	return *c.cur.from, true
}

// Resign stops renewing and releases the record, if it is still the one
// this candidate last wrote: holder "" and no expires, written by Renew so
// that the epoch stays and any candidate may take over at once.
func (c *timestamp) Resign(ctx context.Context) error {
	c.watch.Stop()
	c.Stop()
	c.mu.Lock()
	t := c.cur
	c.cur = nil
	c.mu.Unlock()
	if t == nil {
		return nil
	}
	if err := c.release(ctx, t); err != nil {
		return fmt.Errorf("resign: %w", err)
	}
	return nil
}

// FencedWrite is the store's: accepted only while the epoch is token.
func (c *timestamp) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	if err := c.store.FencedWrite(ctx, token, value); err != nil {
		return fmt.Errorf("fenced write: %w", err)
	}
	return nil
}

// Close stops the renewal and closes the store; it does not release the
// record (it expires). It is idempotent.
func (c *timestamp) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.cancel()
		c.watch.Stop()
		err = c.store.Close()
	})
	return err
}
