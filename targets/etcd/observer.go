package etcd

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/chaos-election/chaos/targets"
)

// observeRetry is the pause before the observer reads and watches again
// after an error.
const observeRetry = 250 * time.Millisecond

// Observer reports who leads the election: the holder of the key with the
// lowest create revision under the prefix.
type Observer struct {
	t   *Target
	cli *clientv3.Client
	log *slog.Logger
}

var _ targets.Observer = (*Observer)(nil)

// NewObserver returns an observer with one client over all eps.
func (t *Target) NewObserver(ctx context.Context, eps []targets.Endpoint, log *slog.Logger) (targets.Observer, error) {
	addrs := make([]string, len(eps))
	for i, ep := range eps {
		addrs[i] = ep.Addr
	}
	cli, err := newClient(addrs, nil)
	if err != nil {
		return nil, fmt.Errorf("observer: %w", err)
	}
	return &Observer{t: t, cli: cli, log: logger(log).With("process", "observer")}, nil
}

// Watch reads the leader, then re-reads it on every change of the
// election prefix, calling fn when it differs from the last call. Errors
// (no leader on the node it talks to, a lost connection) are retried.
func (o *Observer) Watch(ctx context.Context, fn func(leader string, token uint64)) error {
	var (
		last    string
		lastTok uint64
		called  bool
	)
	report := func(leader string, tok uint64) {
		if called && leader == last && tok == lastTok {
			return
		}
		called, last, lastTok = true, leader, tok
		fn(leader, tok)
	}
	for ctx.Err() == nil {
		rev, err := o.once(ctx, report)
		if err != nil && ctx.Err() == nil {
			o.log.Debug("observe", "err", err, "rev", rev)
		}
		select {
		case <-ctx.Done():
		case <-time.After(observeRetry):
		}
	}
	return nil
}

// once reads the leader and then follows the prefix's watch until it ends.
func (o *Observer) once(ctx context.Context, report func(string, uint64)) (int64, error) {
	rev, err := o.read(ctx, report)
	if err != nil {
		return 0, err
	}
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	wch := o.cli.Watch(wctx, o.t.opts.Prefix+"/", clientv3.WithPrefix(), clientv3.WithRev(rev+1))
	for wr := range wch {
		if err := wr.Err(); err != nil {
			return rev, fmt.Errorf("watch: %w", err)
		}
		if len(wr.Events) == 0 {
			continue
		}
		if rev, err = o.read(ctx, report); err != nil {
			return rev, err
		}
	}
	return rev, nil
}

// read reports the current leader and returns the revision it read at.
func (o *Observer) read(ctx context.Context, report func(string, uint64)) (int64, error) {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := o.cli.Get(rctx, o.t.opts.Prefix+"/", clientv3.WithFirstCreate()...)
	if err != nil {
		return 0, fmt.Errorf("read leader: %w", err)
	}
	if len(resp.Kvs) == 0 {
		report("", 0)
	} else {
		kv := resp.Kvs[0]
		report(string(kv.Value), uint64(kv.CreateRevision))
	}
	return resp.Header.Revision, nil
}

// Close closes the observer's client.
func (o *Observer) Close() error { return o.cli.Close() }
