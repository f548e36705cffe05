package etcd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"

	"github.com/chaos-election/chaos/targets"
)

// Reasons a candidate gives for losing leadership.
const (
	ReasonSessionDone = "session expired"
	ReasonKeyDeleted  = "leader key deleted"
)

// Candidate campaigns through concurrency.Election over its own client,
// which talks only to its node.
type Candidate struct {
	t       *Target
	ep      targets.Endpoint
	process string
	ttl     int // whole seconds, >= 1
	cli     *clientv3.Client
	log     *slog.Logger

	sess     *concurrency.Session  // nil until the first Campaign; renewed once done
	dropSess bool                  // the session is not to be used again (mu)
	el       *concurrency.Election // set by a successful Campaign
	tok      uint64

	targets.Leadership

	watch targets.Watch // of the leadership: closes lost

	mu         sync.Mutex
	closedOnce sync.Once
}

var _ targets.Candidate = (*Candidate)(nil)

// NewCandidate returns a candidate of ep. It does not contact the node,
// except to authenticate when the target has credentials.
func (t *Target) NewCandidate(ctx context.Context, ep targets.Endpoint, cfg targets.CandidateConfig) (targets.Candidate, error) {
	cli, err := t.newClient([]string{ep.Addr}, cfg.Dial)
	if err != nil {
		return nil, fmt.Errorf("candidate %s: %w", cfg.Process, err)
	}
	ttl := int((cfg.TTL + time.Second - 1) / time.Second)
	ttl = max(ttl, 1)
	c := &Candidate{t: t, ep: ep, process: cfg.Process, ttl: ttl, cli: cli,
		log: logger(cfg.Log).With("process", cfg.Process, "node", ep.Node)}
	return c, nil
}

// Campaign waits until this candidate leads; the token is the leader key's
// create revision. An expired session while waiting yields ErrNotElected.
func (c *Candidate) Campaign(ctx context.Context) (uint64, error) {
	c.watch.Stop()
	c.Start()
	c.el, c.tok = nil, 0
	sess, err := c.session(ctx)
	if err != nil {
		return 0, fmt.Errorf("campaign: %w", err)
	}
	el := concurrency.NewElection(sess, c.t.opts.Prefix)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-sess.Done():
			cancel()
		case <-cctx.Done():
		}
	}()
	err = el.Campaign(cctx, c.process)
	if errors.Is(err, rpctypes.ErrLeaseNotFound) {
		c.mu.Lock()
		c.dropSess = true
		c.mu.Unlock()
		return 0, fmt.Errorf("campaign: %w: %w", err, targets.ErrNotElected)
	}
	switch {
	case err != nil && ctx.Err() == nil && targets.Closed(sess.Done()):
		return 0, fmt.Errorf("campaign: %s: %w", ReasonSessionDone, targets.ErrNotElected)
	case err != nil:
		return 0, fmt.Errorf("campaign: %w", err)
	case targets.Closed(sess.Done()):
		return 0, fmt.Errorf("campaign: %s: %w", ReasonSessionDone, targets.ErrNotElected)
	}
	// Campaign returns once every key older than ours is gone, without
	// checking that ours still exists: when our lease expired while we
	// waited (a partition, a pause), the key went with it and another
	// candidate may already lead with a newer revision. Chaos runs found
	// exactly that (a grant of token 7 after token 8). Confirm the key, by
	// a linearizable read, before claiming leadership.
	if err := c.confirm(ctx, el); err != nil {
		return 0, err
	}
	c.el, c.tok = el, uint64(el.Rev())
	c.startWatch(sess, el.Key(), el.Rev(), c.Won())
	return c.tok, nil
}

// confirm checks that the election key Campaign made still exists with
// the revision it was created at.
func (c *Candidate) confirm(ctx context.Context, el *concurrency.Election) error {
	gctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := c.cli.Get(gctx, el.Key())
	if err != nil {
		return fmt.Errorf("campaign: confirm leader key: %w", err)
	}
	if len(resp.Kvs) == 0 || resp.Kvs[0].CreateRevision != el.Rev() {
		c.mu.Lock()
		c.dropSess = true
		c.mu.Unlock()
		return fmt.Errorf("campaign: %s: leader key %s (revision %d) gone when the campaign returned: %w",
			ReasonSessionDone, el.Key(), el.Rev(), targets.ErrNotElected)
	}
	return nil
}

// session returns the live session, granting a new lease (bounded by the
// request timeout) when there is none or the last one ended.
func (c *Candidate) session(ctx context.Context) (*concurrency.Session, error) {
	c.mu.Lock()
	sess, drop := c.sess, c.dropSess
	c.dropSess = false
	c.mu.Unlock()
	if sess != nil && !targets.Closed(sess.Done()) && !drop {
		return sess, nil
	}
	if sess != nil {
		sess.Orphan() // its lease may be gone already; else it expires
	}
	gctx, cancel := context.WithTimeout(ctx, requestTimeout)
	lease, err := c.cli.Grant(gctx, int64(c.ttl))
	cancel()
	if err != nil {
		return nil, fmt.Errorf("grant lease: %w", err)
	}
	sess, err = concurrency.NewSession(c.cli, concurrency.WithTTL(c.ttl), concurrency.WithLease(lease.ID))
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	c.mu.Lock()
	c.sess = sess
	c.mu.Unlock()
	return sess, nil
}

// startWatch closes lost when the session ends or the leader key is
// deleted.
func (c *Candidate) startWatch(sess *concurrency.Session, key string, rev int64, lost <-chan struct{}) {
	c.watch.Start(clientv3.WithRequireLeader(context.Background()),
		func(reason string) { c.markLost(lost, reason) },
		func(ctx context.Context) string { return c.watchKey(ctx, sess, key, rev) },
		targets.WatchClosed(sess.Done(), func() string { return ReasonSessionDone }))
}

// watchKey watches the leader key from revision rev until it is deleted,
// or until a watch ended with the session over; it watches again after a
// watch that ended otherwise (no leader, a lost connection).
func (c *Candidate) watchKey(ctx context.Context, sess *concurrency.Session, key string, rev int64) string {
	for {
		wch := c.cli.Watch(ctx, key, clientv3.WithRev(rev))
		for wr := range wch {
			for _, ev := range wr.Events {
				if ev.Type == mvccpb.DELETE {
					return ReasonKeyDeleted
				}
			}
			if wr.Header.Revision > rev {
				rev = wr.Header.Revision
			}
		}
		// The watch ended: a cancellation, or an error (no leader,
		// connection lost). Retry while the session lives.
		select {
		case <-ctx.Done():
			return ""
		case <-sess.Done():
			return ReasonSessionDone
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (c *Candidate) markLost(lost <-chan struct{}, reason string) {
	if c.End(lost, reason) {
		c.mu.Lock()
		c.dropSess = true // the next Campaign starts a new session
		c.mu.Unlock()
	}
}

// Token returns the token of the last successful Campaign.
func (c *Candidate) Token() uint64 { return c.tok }

// Resign deletes the leader key if it still is this candidate's.
func (c *Candidate) Resign(ctx context.Context) error {
	c.watch.Stop()
	c.Stop()
	if c.el == nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	err := c.el.Resign(rctx)
	c.el = nil
	if err != nil {
		return fmt.Errorf("resign: %w", err)
	}
	return nil
}

// FencedWrite puts value at the resource key only if the leader key still
// has create revision token.
func (c *Candidate) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	key := c.leaderKey()
	if key == "" {
		return fmt.Errorf("fenced write: never elected: %w", targets.ErrRejected)
	}
	wctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := c.cli.Txn(wctx).
		If(clientv3.Compare(clientv3.CreateRevision(key), "=", int64(token))).
		Then(clientv3.OpPut(c.t.opts.ResourceKey, string(value))).
		Commit()
	if err != nil {
		return fmt.Errorf("fenced write: %w", err)
	}
	if !resp.Succeeded {
		return fmt.Errorf("fenced write: token %d no longer holds %s: %w", token, key, targets.ErrRejected)
	}
	return nil
}

// leaderKey is the key this candidate campaigns with: the election prefix
// and its lease id, as concurrency.Election names it.
func (c *Candidate) leaderKey() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil {
		return ""
	}
	return fmt.Sprintf("%s/%x", c.t.opts.Prefix, c.sess.Lease())
}

// Close ends the session (revoking its lease, bounded by the TTL) and the
// client. It is idempotent.
func (c *Candidate) Close() error {
	var err error
	c.closedOnce.Do(func() {
		c.watch.Stop()
		c.mu.Lock()
		sess := c.sess
		c.mu.Unlock()
		if sess != nil {
			ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
			_, rerr := c.cli.Revoke(ctx, sess.Lease())
			cancel()
			if rerr != nil && !errors.Is(rerr, context.DeadlineExceeded) {
				c.log.Debug("revoke lease", "err", rerr)
			}
			sess.Orphan()
		}
		err = c.cli.Close()
	})
	return err
}
