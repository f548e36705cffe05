package consul

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/chaos-election/chaos/targets"
)

// observeRetry is the pause before the observer asks again (another
// server) after an error.
const observeRetry = 250 * time.Millisecond

// Observer reports who holds the lock key, with its ModifyIndex as the
// token, through blocking queries; it moves to the next server on errors.
type Observer struct {
	t    *Target
	clis []*api.Client
	log  *slog.Logger
}

var _ targets.Observer = (*Observer)(nil)

// NewObserver returns an observer with a client per endpoint.
func (t *Target) NewObserver(ctx context.Context, eps []targets.Endpoint, log *slog.Logger) (targets.Observer, error) {
	o := &Observer{t: t, log: logger(log).With("process", "observer")}
	for _, ep := range eps {
		cli, err := t.newClient(ep.Addr, nil)
		if err != nil {
			return nil, fmt.Errorf("observer: %w", err)
		}
		o.clis = append(o.clis, cli)
	}
	if len(o.clis) == 0 {
		return nil, fmt.Errorf("observer: no endpoints")
	}
	return o, nil
}

// Watch reports the holder of the lock key now and on every change.
func (o *Observer) Watch(ctx context.Context, fn func(leader string, token uint64)) error {
	var (
		report = targets.OnChange(fn)
		idx    uint64
		which  int
	)
	for ctx.Err() == nil {
		rctx, cancel := context.WithTimeout(ctx, blockingWait+requestTimeout)
		q := (&api.QueryOptions{WaitIndex: idx, WaitTime: blockingWait}).WithContext(rctx)
		pair, meta, err := o.clis[which].KV().Get(o.t.opts.Key, q)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				o.log.Debug("observe", "err", err)
			}
			which, idx = (which+1)%len(o.clis), 0
			select {
			case <-ctx.Done():
			case <-time.After(observeRetry):
			}
			continue
		}
		leader, tok := "", uint64(0)
		if pair != nil && pair.Session != "" {
			leader, tok = string(pair.Value), pair.ModifyIndex
		}
		report(leader, tok)
		if meta.LastIndex < idx {
			idx = 0 // the index went backwards (a restored server): start over
		} else {
			idx = meta.LastIndex
		}
	}
	return nil
}

// Close releases nothing: the clients hold only idle connections.
func (o *Observer) Close() error { return nil }
