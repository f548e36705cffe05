package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/targets"
)

// observeRetry is the pause before the observer reads again after an
// error.
const observeRetry = 250 * time.Millisecond

// Observer reports who leads: the candidate whose znode has the lowest
// sequence, with the znode's czxid as the token.
type Observer struct {
	t    *Target
	conn *zk.Conn
	log  *slog.Logger
}

var _ targets.Observer = (*Observer)(nil)

// observerSession is the observer's own session timeout: it holds no
// znodes, so it only bounds how long a dead server keeps it waiting.
const observerSession = 4 * time.Second

// NewObserver returns an observer with one client over all eps.
func (t *Target) NewObserver(ctx context.Context, eps []targets.Endpoint, log *slog.Logger) (targets.Observer, error) {
	log = logger(log).With("process", "observer")
	conn, err := connect(ctx, targets.Addrs(eps), observerSession, nil, t.access, log, nil)
	if err != nil {
		return nil, fmt.Errorf("observer: %w", err)
	}
	return &Observer{t: t, conn: conn, log: log}, nil
}

// Watch reads the children of the election path with a watch, reports the
// lowest, and reads again when they change; errors are retried.
func (o *Observer) Watch(ctx context.Context, fn func(leader string, token uint64)) error {
	report := targets.OnChange(fn)
	for ctx.Err() == nil {
		watch, err := o.once(ctx, report)
		if err != nil {
			if ctx.Err() == nil {
				o.log.Debug("observe", "err", err)
			}
			select {
			case <-ctx.Done():
			case <-time.After(observeRetry):
			}
			continue
		}
		select {
		case <-ctx.Done():
		case <-watch:
		}
	}
	return nil
}

// once reports the current leader and returns the watch on the children.
func (o *Observer) once(ctx context.Context, report func(string, uint64)) (<-chan zk.Event, error) {
	type listing struct {
		names []string
		watch <-chan zk.Event
	}
	l, err := call(ctx, func() (listing, error) {
		names, _, w, err := o.conn.ChildrenW(o.t.opts.Path)
		return listing{names, w}, err
	})
	if errors.Is(err, zk.ErrNoNode) {
		// No candidate has campaigned yet: watch for the path.
		report("", 0)
		var watch <-chan zk.Event
		exists, err := call(ctx, func() (bool, error) {
			ok, _, w, err := o.conn.ExistsW(o.t.opts.Path)
			watch = w
			return ok, err
		})
		if err == nil && exists {
			// Created since the listing: an exists watch would only fire
			// on its deletion, and the observer would see no leader for
			// the whole run (a Docker test caught that). List again.
			return closedEvents, nil
		}
		return watch, err
	}
	if err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	for _, name := range sortBySequence(l.names) {
		p := path.Join(o.t.opts.Path, name)
		type node struct {
			data []byte
			stat *zk.Stat
		}
		n, err := call(ctx, func() (node, error) {
			d, st, err := o.conn.Get(p)
			return node{d, st}, err
		})
		if errors.Is(err, zk.ErrNoNode) {
			continue // gone since the listing: the next one may lead
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		report(string(n.data), uint64(n.stat.Czxid))
		return l.watch, nil
	}
	report("", 0)
	return l.watch, nil
}

// closedEvents is a watch that has already fired.
var closedEvents = func() <-chan zk.Event {
	ch := make(chan zk.Event)
	close(ch)
	return ch
}()

// Close closes the observer's client.
func (o *Observer) Close() error {
	o.conn.Close()
	return nil
}
