package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/targets"
)

// Reasons a candidate gives for losing leadership.
const (
	ReasonSessionExpired = "session expired"
	ReasonZnodeDeleted   = "leader znode deleted"
	ReasonDisconnected   = "disconnected for longer than the session timeout"
)

// Candidate campaigns with an ephemeral sequential znode over its own
// client, which talks only to its server.
type Candidate struct {
	t       *Target
	ep      targets.Endpoint
	process string
	timeout time.Duration // session timeout asked for
	dial    targets.Dialer
	log     *slog.Logger

	conn         *zk.Conn // made by the first Campaign
	resourceMade bool     // the resource znode exists

	targets.Leadership

	mu      sync.Mutex
	znode   string // this candidate's znode, "" when it has none
	session int64  // the session that created znode
	// stale is a znode given up while its session may live on (leadership
	// lost to a long disconnection): the next Campaign deletes it before
	// making a new one, so that it neither blocks the others nor comes back
	// with its old token.
	stale        string
	staleSession int64
	tokens       map[uint64]string
	discTimer    *time.Timer // runs while disconnected
	closeOnce    sync.Once
}

var _ targets.Candidate = (*Candidate)(nil)

// NewCandidate returns a candidate of ep. It does not contact the server.
func (t *Target) NewCandidate(ctx context.Context, ep targets.Endpoint, cfg targets.CandidateConfig) (targets.Candidate, error) {
	return &Candidate{t: t, ep: ep, process: cfg.Process, timeout: cfg.TTL, dial: cfg.Dial,
		log:    logger(cfg.Log).With("process", cfg.Process, "node", ep.Node),
		tokens: map[uint64]string{}}, nil
}

// Campaign waits until this candidate's znode is the lowest; the token is
// its czxid. Its session ending while it waits yields ErrNotElected.
func (c *Candidate) Campaign(ctx context.Context) (uint64, error) {
	c.Start()
	if c.conn == nil {
		conn, err := connect(ctx, []string{c.ep.Addr}, c.timeout, c.dial, c.t.access, c.log, c.onEvent)
		if err != nil {
			return 0, fmt.Errorf("campaign: %w", err)
		}
		c.conn = conn
	}
	if err := ensurePath(ctx, c.conn, c.t.opts.Path, c.t.acl()); err != nil {
		return 0, fmt.Errorf("campaign: %w", err)
	}
	me, err := c.ensureZnode(ctx)
	if err != nil {
		return 0, fmt.Errorf("campaign: %w", err)
	}
	for {
		// sync first: the server then has applied everything the ensemble
		// leader had, the end of this candidate's session included.
		if _, err := call(ctx, func() (string, error) { return c.conn.Sync(c.t.opts.Path) }); err != nil {
			return 0, fmt.Errorf("campaign: sync: %w", err)
		}
		children, err := call(ctx, func() ([]string, error) {
			ch, _, err := c.conn.Children(c.t.opts.Path)
			return ch, err
		})
		if err != nil {
			return 0, fmt.Errorf("campaign: list candidates: %w", err)
		}
		children = sortBySequence(children)
		pos := -1
		for i, ch := range children {
			if ch == path.Base(me) {
				pos = i
			}
		}
		if pos < 0 {
			c.forgetZnode(me)
			return 0, fmt.Errorf("campaign: znode %s is gone (%s): %w", me, ReasonSessionExpired, targets.ErrNotElected)
		}
		if pos == 0 {
			return c.lead(ctx, me)
		}
		pred := path.Join(c.t.opts.Path, children[pos-1])
		ok, watch, err := c.existsW(ctx, pred)
		if err != nil {
			return 0, fmt.Errorf("campaign: watch predecessor %s: %w", pred, err)
		}
		if !ok.exists {
			continue
		}
		c.log.Debug("waiting for predecessor", "znode", me, "predecessor", pred)
		select {
		case <-watch:
		case <-ctx.Done():
			return 0, fmt.Errorf("campaign: %w", ctx.Err())
		}
		if c.sessionOf(me) != c.conn.SessionID() {
			c.forgetZnode(me)
			return 0, fmt.Errorf("campaign: %s while waiting: %w", ReasonSessionExpired, targets.ErrNotElected)
		}
	}
}

// lead reads the czxid of znode me, which is the lowest, and starts
// watching it.
func (c *Candidate) lead(ctx context.Context, me string) (uint64, error) {
	ok, watch, err := c.existsW(ctx, me)
	if err != nil {
		return 0, fmt.Errorf("campaign: read own znode: %w", err)
	}
	if !ok.exists {
		c.forgetZnode(me)
		return 0, fmt.Errorf("campaign: znode %s is gone: %w", me, targets.ErrNotElected)
	}
	tok := uint64(ok.stat.Czxid)
	c.mu.Lock()
	c.tokens[tok] = me
	c.mu.Unlock()
	lost := c.Won()
	go func() {
		for ev := range watch {
			if ev.Type == zk.EventNodeDeleted {
				c.End(lost, ReasonZnodeDeleted)
			} else if ev.Type == zk.EventNotWatching {
				// The watch ended with the session or the client.
				c.End(lost, ReasonSessionExpired)
			}
			// Data changes do not happen to election znodes: ignore.
		}
	}()
	return tok, nil
}

// existsResult is what ExistsW says.
type existsResult struct {
	exists bool
	stat   *zk.Stat
}

// existsW sets a watch on p and says whether it exists.
func (c *Candidate) existsW(ctx context.Context, p string) (existsResult, <-chan zk.Event, error) {
	var watch <-chan zk.Event
	r, err := call(ctx, func() (existsResult, error) {
		ok, st, w, err := c.conn.ExistsW(p)
		watch = w
		return existsResult{ok, st}, err
	})
	return r, watch, err
}

// ensureZnode returns this candidate's znode, creating it when it has
// none in the current session.
func (c *Candidate) ensureZnode(ctx context.Context) (string, error) {
	sid := c.conn.SessionID()
	c.mu.Lock()
	me, sess := c.znode, c.session
	stale, staleSess := c.stale, c.staleSession
	c.mu.Unlock()
	if me != "" && sess == sid && sid != 0 {
		return me, nil
	}
	if stale != "" && staleSess == sid {
		_, err := call(ctx, func() (struct{}, error) { return struct{}{}, c.conn.Delete(stale, -1) })
		if err != nil && !errors.Is(err, zk.ErrNoNode) {
			return "", fmt.Errorf("delete the znode given up, %s: %w", stale, err)
		}
	}
	c.mu.Lock()
	c.stale, c.staleSession = "", 0
	c.mu.Unlock()
	me, err := call(ctx, func() (string, error) {
		return c.conn.CreateProtectedEphemeralSequential(c.t.opts.Path+"/n-", []byte(c.process), c.t.acl())
	})
	if err != nil {
		return "", fmt.Errorf("create znode: %w", err)
	}
	c.mu.Lock()
	c.znode, c.session = me, c.conn.SessionID()
	c.mu.Unlock()
	c.log.Debug("znode created", "znode", me, "session", fmt.Sprintf("%x", c.conn.SessionID()))
	return me, nil
}

func (c *Candidate) sessionOf(me string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.znode != me {
		return -1
	}
	return c.session
}

// forgetZnode drops me so the next Campaign creates a new znode.
func (c *Candidate) forgetZnode(me string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.znode == me {
		c.znode, c.session = "", 0
	}
}

// onEvent follows the client's session: expiry ends leadership at once; a
// disconnection ends it once it has lasted the session timeout.
func (c *Candidate) onEvent(ev zk.Event) {
	if ev.Type != zk.EventSession {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev.State {
	case zk.StateExpired:
		// The znode went with the session.
		c.znode, c.session, c.stale, c.staleSession = "", 0, "", 0
		c.EndCurrent(ReasonSessionExpired)
	case zk.StateDisconnected:
		if c.discTimer == nil && c.Leading() {
			lost := c.Lost()
			c.discTimer = time.AfterFunc(c.timeout, func() {
				if c.End(lost, ReasonDisconnected) {
					c.giveUpZnode()
				}
			})
		}
	case zk.StateHasSession:
		if c.discTimer != nil {
			c.discTimer.Stop()
			c.discTimer = nil
		}
	}
}

// giveUpZnode marks the znode stale: its session may live on, and the
// next Campaign deletes it and makes a new one (with a new token).
func (c *Candidate) giveUpZnode() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.znode != "" {
		c.stale, c.staleSession = c.znode, c.session
	}
	c.znode, c.session = "", 0
}

// Resign deletes this candidate's znode.
func (c *Candidate) Resign(ctx context.Context) error {
	c.Stop()
	c.mu.Lock()
	me := c.znode
	c.znode, c.session = "", 0
	c.mu.Unlock()
	if me == "" || c.conn == nil {
		return nil
	}
	_, err := call(ctx, func() (struct{}, error) { return struct{}{}, c.conn.Delete(me, -1) })
	if err != nil && !errors.Is(err, zk.ErrNoNode) {
		return fmt.Errorf("resign: delete %s: %w", me, err)
	}
	return nil
}

// FencedWrite sets the resource znode's data in one transaction with a
// check that the znode of token still exists (version 0: election znodes
// are never written).
func (c *Candidate) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	c.mu.Lock()
	me := c.tokens[token]
	c.mu.Unlock()
	if me == "" || c.conn == nil {
		return fmt.Errorf("fenced write: token %d was never this candidate's: %w", token, targets.ErrRejected)
	}
	if !c.resourceMade {
		if err := ensurePath(ctx, c.conn, c.t.opts.ResourcePath, c.t.acl()); err != nil {
			return fmt.Errorf("fenced write: %w", err)
		}
		c.resourceMade = true
	}
	res, err := call(ctx, func() ([]zk.MultiResponse, error) {
		return c.conn.Multi(
			&zk.CheckVersionRequest{Path: me, Version: 0},
			&zk.SetDataRequest{Path: c.t.opts.ResourcePath, Data: value, Version: -1},
		)
	})
	for _, r := range res {
		if err == nil && r.Error != nil {
			err = r.Error
		}
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, zk.ErrNoNode), errors.Is(err, zk.ErrBadVersion):
		return fmt.Errorf("fenced write: znode %s of token %d is gone: %w", me, token, targets.ErrRejected)
	case errors.Is(err, zk.ErrSessionExpired):
		// The server refused the request: the session it came in is over.
		return fmt.Errorf("fenced write: %w: %w", err, targets.ErrRejected)
	default:
		return fmt.Errorf("fenced write: %w", err)
	}
}

// Close closes the client: the server ends its session, deleting its
// znode. It is idempotent.
func (c *Candidate) Close() error {
	c.closeOnce.Do(func() {
		if c.conn != nil {
			c.conn.Close()
		}
		c.mu.Lock()
		if c.discTimer != nil {
			c.discTimer.Stop()
		}
		c.mu.Unlock()
	})
	return nil
}
