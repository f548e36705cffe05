package consul

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/consul/api"

	"github.com/chaos-election/chaos/targets"
)

// Reasons a candidate gives for losing leadership.
const (
	ReasonInvalidated   = "session invalidated"
	ReasonRenewOverdue  = "no renewal for longer than the session TTL"
	ReasonSessionChange = "lock key no longer held by this session"
)

// Candidate acquires the lock key with a session on its own agent.
type Candidate struct {
	t       *Target
	ep      targets.Endpoint
	process string
	ttl     time.Duration
	cli     *api.Client
	log     *slog.Logger

	targets.Leadership

	watch targets.Watch // of the leadership: closes lost

	mu        sync.Mutex
	sess      *session          // nil until the first Campaign, or after it ended
	tokens    map[uint64]string // token -> the session that acquired with it
	closeOnce sync.Once
}

// session is one Consul session and its renewal.
type session struct {
	id     string
	done   chan struct{}   // closed when the session is known to be over
	reason string          // why done was closed (Candidate.mu)
	ctx    context.Context // cancelled with done, and by Close: the renewal runs under it
	stop   context.CancelFunc
}

var _ targets.Candidate = (*Candidate)(nil)

// NewCandidate returns a candidate of ep. It does not contact the agent.
func (t *Target) NewCandidate(ctx context.Context, ep targets.Endpoint, cfg targets.CandidateConfig) (targets.Candidate, error) {
	cli, err := t.newClient(ep.Addr, cfg.Dial)
	if err != nil {
		return nil, fmt.Errorf("candidate %s: %w", cfg.Process, err)
	}
	return &Candidate{t: t, ep: ep, process: cfg.Process, ttl: cfg.TTL, cli: cli,
		log:    logger(cfg.Log).With("process", cfg.Process, "node", ep.Node),
		tokens: map[uint64]string{}}, nil
}

// Campaign acquires the lock key, waiting while another session holds it
// (or its lock-delay runs); the token is the key's ModifyIndex after the
// acquisition. The session ending while it waits yields ErrNotElected.
func (c *Candidate) Campaign(ctx context.Context) (uint64, error) {
	c.watch.Stop()
	c.Start()
	s, err := c.session(ctx)
	if err != nil {
		// Without a session there was no acquire: certainly not leader.
		return 0, fmt.Errorf("campaign: %w: %w", err, targets.ErrNotElected)
	}
	var waitIndex uint64
	for {
		if targets.Closed(s.done) {
			return 0, fmt.Errorf("campaign: %s: %w", c.sessionReason(s), targets.ErrNotElected)
		}
		tok, refused, err := c.acquire(ctx, s)
		if err != nil {
			return 0, fmt.Errorf("campaign: %w", err)
		}
		if refused == acquired {
			c.mu.Lock()
			c.tokens[tok] = s.id
			c.mu.Unlock()
			c.startWatch(s, tok, c.Won())
			return tok, nil
		}
		if refused == refusedLockDelay {
			// A lock-delay runs: poll it out, as a blocking query would
			// not wake at its end.
			select {
			case <-time.After(min(c.t.opts.LockDelay, 100*time.Millisecond)):
			case <-ctx.Done():
				return 0, fmt.Errorf("campaign: %w", ctx.Err())
			case <-s.done:
			}
			continue
		}
		// Held by another session: wait for the key to change (or the
		// session to end), then try again.
		wctx, cancel := context.WithCancel(ctx)
		stop := context.AfterFunc(s.ctx, cancel)
		_, idx, err := c.waitKey(wctx, waitIndex)
		stop()
		cancel()
		if targets.Closed(s.done) {
			continue
		}
		if err != nil {
			// The last acquire was refused and none was tried since.
			return 0, fmt.Errorf("campaign: wait for the lock key: %w: %w", err, targets.ErrNotElected)
		}
		waitIndex = idx
	}
}

// refusal is the outcome of an acquire.
type refusal int

const (
	acquired         refusal = iota
	refusedHeld              // another session holds the key
	refusedLockDelay         // free, but within a lock-delay
	refusedSession           // this session is gone
)

// acquire tries to lock the key with s in one transaction; on success it
// returns the key's ModifyIndex.
func (c *Candidate) acquire(ctx context.Context, s *session) (uint64, refusal, error) {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	ok, resp, _, err := c.cli.Txn().Txn(api.TxnOps{
		{KV: &api.KVTxnOp{Verb: api.KVLock, Key: c.t.opts.Key, Value: []byte(c.process), Session: s.id}},
	}, queryCtx(rctx))
	if err != nil {
		return 0, refusedHeld, fmt.Errorf("acquire: %w", err)
	}
	if !ok {
		why := txnErrors(resp)
		c.log.Debug("acquire refused", "errors", why)
		switch {
		case strings.Contains(why, "invalid session"):
			c.endSession(s, ReasonInvalidated)
			return 0, refusedSession, nil
		case strings.Contains(why, "lock delay"):
			return 0, refusedLockDelay, nil
		}
		return 0, refusedHeld, nil
	}
	if len(resp.Results) != 1 || resp.Results[0].KV == nil {
		return 0, refusedHeld, fmt.Errorf("acquire: the transaction returned %d results", len(resp.Results))
	}
	kv := resp.Results[0].KV
	c.log.Debug("acquired", "modify_index", kv.ModifyIndex, "lock_index", kv.LockIndex, "session", s.id)
	return kv.ModifyIndex, acquired, nil
}

// waitKey is a blocking query on the lock key from waitIndex; it returns
// the key (nil when absent) and the index to wait from next.
func (c *Candidate) waitKey(ctx context.Context, waitIndex uint64) (*api.KVPair, uint64, error) {
	rctx, cancel := context.WithTimeout(ctx, blockingWait+requestTimeout)
	defer cancel()
	q := (&api.QueryOptions{WaitIndex: waitIndex, WaitTime: blockingWait}).WithContext(rctx)
	pair, meta, err := c.cli.KV().Get(c.t.opts.Key, q)
	if err != nil {
		return nil, waitIndex, err
	}
	return pair, meta.LastIndex, nil
}

// session returns the live session, creating one (and its renewal) when
// there is none.
func (c *Candidate) session(ctx context.Context) (*session, error) {
	c.mu.Lock()
	s := c.sess
	c.mu.Unlock()
	if s != nil && !targets.Closed(s.done) {
		return s, nil
	}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	id, _, err := c.cli.Session().Create(&api.SessionEntry{
		Name:      "chaos-" + c.process,
		TTL:       c.ttl.String(),
		LockDelay: c.t.opts.LockDelay,
		Behavior:  c.t.opts.Behavior,
	}, writeCtx(rctx))
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	rnCtx, stop := context.WithCancel(context.Background())
	s = &session{id: id, done: make(chan struct{}), ctx: rnCtx, stop: stop}
	c.mu.Lock()
	c.sess = s
	c.mu.Unlock()
	go c.renew(rnCtx, s)
	return s, nil
}

// renew renews s every third of the TTL until it is over: the servers
// say it is gone, or no renewal succeeded for a whole TTL.
func (c *Candidate) renew(ctx context.Context, s *session) {
	last := time.Now()
	tick := time.NewTicker(max(c.ttl/3, 50*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		rctx, cancel := context.WithTimeout(ctx, min(requestTimeout, c.ttl))
		entry, _, err := c.cli.Session().Renew(s.id, writeCtx(rctx))
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err == nil && entry == nil:
			c.endSession(s, ReasonInvalidated)
			return
		case err == nil:
			last = time.Now()
		case time.Since(last) > c.ttl:
			c.log.Debug("renewal overdue", "session", s.id, "err", err)
			c.endSession(s, ReasonRenewOverdue)
			return
		}
	}
}

// endSession marks s over; the watch of a leadership held with it then
// ends that leadership.
func (c *Candidate) endSession(s *session, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if targets.Closed(s.done) {
		return
	}
	s.reason = reason
	close(s.done)
	s.stop()
	if c.sess == s {
		c.sess = nil
	}
}

func (c *Candidate) sessionReason(s *session) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return s.reason
}

// startWatch closes lost when the session ends or a blocking query shows
// the key no longer held with token.
func (c *Candidate) startWatch(s *session, tok uint64, lost <-chan struct{}) {
	c.watch.Start(context.Background(),
		func(reason string) { c.End(lost, reason) },
		func(ctx context.Context) string { return c.watchKey(ctx, s, tok) },
		targets.WatchClosed(s.done, func() string { return c.sessionReason(s) }))
}

// watchKey follows the lock key by blocking queries from index tok until
// it is no longer held by s at index tok; it asks again after an error.
func (c *Candidate) watchKey(ctx context.Context, s *session, tok uint64) string {
	idx := tok
	for ctx.Err() == nil {
		pair, next, err := c.waitKey(ctx, idx)
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
			continue
		}
		if pair == nil || pair.Session != s.id || pair.ModifyIndex != tok {
			return ReasonSessionChange
		}
		idx = next
	}
	return ""
}

// Resign releases the lock key if this candidate's session holds it.
func (c *Candidate) Resign(ctx context.Context) error {
	c.watch.Stop()
	leading := c.Leading()
	c.Stop()
	c.mu.Lock()
	s := c.sess
	c.mu.Unlock()
	if s == nil || !leading {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	_, _, err := c.cli.KV().Release(&api.KVPair{Key: c.t.opts.Key, Session: s.id}, writeCtx(rctx))
	if err != nil {
		return fmt.Errorf("resign: %w", err)
	}
	return nil
}

// FencedWrite sets the resource key in one transaction with checks that
// the lock key is still held by the session of token, at index token.
func (c *Candidate) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	c.mu.Lock()
	sid := c.tokens[token]
	c.mu.Unlock()
	if sid == "" {
		return fmt.Errorf("fenced write: token %d was never this candidate's: %w", token, targets.ErrRejected)
	}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	ok, resp, _, err := c.cli.Txn().Txn(api.TxnOps{
		{KV: &api.KVTxnOp{Verb: api.KVCheckSession, Key: c.t.opts.Key, Session: sid}},
		{KV: &api.KVTxnOp{Verb: api.KVCheckIndex, Key: c.t.opts.Key, Index: token}},
		{KV: &api.KVTxnOp{Verb: api.KVSet, Key: c.t.opts.ResourceKey, Value: value}},
	}, queryCtx(rctx))
	if err != nil {
		return fmt.Errorf("fenced write: %w", err)
	}
	if !ok {
		return fmt.Errorf("fenced write: token %d no longer holds %s (%s): %w", token, c.t.opts.Key, txnErrors(resp), targets.ErrRejected)
	}
	return nil
}

// Close destroys the session (bounded) and stops its renewal. It is
// idempotent.
func (c *Candidate) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.watch.Stop()
		c.mu.Lock()
		s := c.sess
		c.sess = nil
		c.mu.Unlock()
		if s == nil {
			return
		}
		s.stop()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, derr := c.cli.Session().Destroy(s.id, writeCtx(ctx)); derr != nil {
			err = fmt.Errorf("close: destroy session: %w", derr)
		}
	})
	return err
}

// txnErrors words a failed transaction's errors.
func txnErrors(resp *api.TxnResponse) string {
	if resp == nil || len(resp.Errors) == 0 {
		return "no reason given"
	}
	var parts []string
	for _, e := range resp.Errors {
		parts = append(parts, e.What)
	}
	return strings.Join(parts, "; ")
}
