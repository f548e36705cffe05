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
	cli, err := t.newClient(targets.Addrs(eps), nil)
	if err != nil {
		return nil, fmt.Errorf("observer: %w", err)
	}
	return &Observer{t: t, cli: cli, log: logger(log).With("process", "observer")}, nil
}

// Watch reads the leader, then re-reads it on every change of the
// election prefix, calling fn when it differs from the last call. Errors
// (no leader on the node it talks to, a lost connection) are retried.
func (o *Observer) Watch(ctx context.Context, fn func(leader string, token uint64)) error {
	report := targets.OnChange(fn)
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

// once reads every candidate key under the prefix, then applies the
// watch's events to that set one by one, reporting the leader (the key
// with the lowest create revision) after each: a leadership shorter than a
// round trip is still seen, which re-reading the leader on each event
// would miss.
func (o *Observer) once(ctx context.Context, report func(string, uint64)) (int64, error) {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	resp, err := o.cli.Get(rctx, o.t.opts.Prefix+"/", clientv3.WithPrefix())
	cancel()
	if err != nil {
		return 0, fmt.Errorf("read leader: %w", err)
	}
	keys := make(map[string]candidateKey, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		keys[string(kv.Key)] = candidateKey{process: string(kv.Value), rev: kv.CreateRevision}
	}
	rev := resp.Header.Revision
	reportLeader(keys, report)
	wctx, wcancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer wcancel()
	wch := o.cli.Watch(wctx, o.t.opts.Prefix+"/", clientv3.WithPrefix(), clientv3.WithRev(rev+1))
	for wr := range wch {
		if err := wr.Err(); err != nil {
			return rev, fmt.Errorf("watch: %w", err)
		}
		for _, ev := range wr.Events {
			k := string(ev.Kv.Key)
			if ev.Type == clientv3.EventTypeDelete {
				delete(keys, k)
			} else {
				keys[k] = candidateKey{process: string(ev.Kv.Value), rev: ev.Kv.CreateRevision}
			}
			reportLeader(keys, report)
		}
		rev = wr.Header.Revision
	}
	return rev, nil
}

// candidateKey is one campaigning candidate's key.
type candidateKey struct {
	process string
	rev     int64
}

// reportLeader reports the candidate with the lowest create revision, or
// none.
func reportLeader(keys map[string]candidateKey, report func(string, uint64)) {
	var best candidateKey
	for _, k := range keys {
		if best.rev == 0 || k.rev < best.rev {
			best = k
		}
	}
	if best.rev == 0 {
		report("", 0)
		return
	}
	report(best.process, uint64(best.rev))
}

// Close closes the observer's client.
func (o *Observer) Close() error { return o.cli.Close() }
