package lease

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// maxPending bounds the renewals of unknown outcome a tenure remembers.
const maxPending = 16

// tenure is one lease-timestamp leadership: the token of its takeover and
// the record it last wrote.
type tenure struct {
	token uint64
	from  *targets.Takeover // the holder taken over from; nil: nobody else

	mu  sync.Mutex
	ver Version // of the record last written successfully
	rec Record  // that record: its Expires bounds the leadership
	// pending are the renewals since the last success whose outcome is
	// unknown (an error other than a conflict): one may have landed.
	pending [][]byte
}

func (t *tenure) state() (Version, Record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ver, t.rec
}

// wrote records a write known to have landed.
func (t *tenure) wrote(v Version, r Record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ver, t.rec, t.pending = v, r, nil
}

// unknown records a renewal of unknown outcome.
func (t *tenure) unknown(data []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.pending) == maxPending {
		t.pending = t.pending[1:]
	}
	t.pending = append(t.pending, data)
}

func (t *tenure) pendingData() [][]byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pending
}

// renewer is the Watcher that renews t every RenewEvery until a renewal
// finds the record taken.
func (c *timestamp) renewer(t *tenure) targets.Watcher {
	return func(ctx context.Context) string {
		for sleep(ctx, c.cfg.RenewEvery, c.cfg.Pause) {
			if reason := c.renew(ctx, t); reason != "" {
				return reason
			}
		}
		return ""
	}
}

// renew makes one renewal: expires = the own clock + Duration, at the
// version last written, bounded by the own expiry. It returns a reason
// when the record was taken, "" otherwise (a failed renewal is retried at
// the next period; the expiry watcher ends a tenure that cannot renew).
func (c *timestamp) renew(ctx context.Context, t *tenure) string {
	ver, prev := t.state()
	now := c.clock.Now()
	left := prev.Expires.Sub(now)
	if left <= 0 {
		return ""
	}
	rec := prev
	rec.Expires, rec.Renewed = now.Add(c.cfg.Duration), now
	data, err := rec.Encode()
	if err != nil {
		c.log.Warn("lease renew", "err", err)
		return ""
	}
	rctx, cancel := context.WithTimeout(ctx, left)
	defer cancel()
	v, err := c.store.Renew(rctx, data, ver)
	switch {
	case err == nil:
		t.wrote(v, rec)
		return ""
	case errors.Is(err, ErrConflict):
		if c.resolve(ctx, t) != resolvedTaken {
			return ""
		}
		return ReasonRecordTaken
	case ctx.Err() != nil:
		return ""
	}
	c.log.Debug("lease renew failed", "token", t.token, "err", err)
	t.unknown(data)
	return ""
}

// resolution is what a conflict meant.
type resolution int

const (
	resolvedTaken   resolution = iota // another wrote the record
	resolvedOwn                       // a renewal of unknown outcome had landed: adopted
	resolvedUnknown                   // the record could not be read
)

// resolve tells, after a conflict, whether the record was taken or is one
// of t's renewals whose outcome was unknown (then t continues from it).
func (c *timestamp) resolve(ctx context.Context, t *tenure) resolution {
	pending := t.pendingData()
	if len(pending) == 0 {
		return resolvedTaken
	}
	snap, err := c.store.Get(ctx)
	switch {
	case errors.Is(err, ErrNotFound):
		return resolvedTaken
	case err != nil:
		c.log.Debug("lease renew: read after a conflict", "err", err)
		return resolvedUnknown
	case snap.Token != t.token:
		return resolvedTaken
	}
	for _, p := range pending {
		if !bytes.Equal(p, snap.Data) {
			continue
		}
		rec, err := DecodeRecord(p)
		if err != nil {
			return resolvedTaken
		}
		t.wrote(snap.Version, rec)
		return resolvedOwn
	}
	return resolvedTaken
}

// expiry is the Watcher that ends t when the own clock passes the expires
// of its last successful write. It looks at least every RenewEvery, so
// that a clock stepped forward is seen.
func (c *timestamp) expiry(t *tenure) targets.Watcher {
	return func(ctx context.Context) string {
		for {
			_, rec := t.state()
			now := c.clock.Now()
			if now.After(rec.Expires) {
				return ReasonExpired
			}
			if !sleep(ctx, min(rec.Expires.Sub(now)+time.Nanosecond, c.cfg.RenewEvery), c.cfg.Pause) {
				return ""
			}
		}
	}
}

// release writes t's record released (holder "", no expires) at the
// version t last wrote. A record taken meanwhile is not t's to release.
func (c *timestamp) release(ctx context.Context, t *tenure) error {
	for range 2 {
		ver, rec := t.state()
		rec.Holder, rec.Expires, rec.Renewed = "", time.Time{}, c.clock.Now()
		data, err := rec.Encode()
		if err != nil {
			return err
		}
		_, err = c.store.Renew(ctx, data, ver)
		switch {
		case err == nil:
			c.log.Debug("lease released", "token", t.token)
			return nil
		case errors.Is(err, ErrConflict):
			if c.resolve(ctx, t) != resolvedOwn {
				return nil
			}
		default:
			return err
		}
	}
	return nil
}
