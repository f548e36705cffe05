package election

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/chaos-election/chaos/targets"
)

// fakeTarget is an in-memory election backend: campaigners queue in order
// of arrival, the head leads, and its token is the counter it drew when it
// joined (like etcd's create revision).
type fakeTarget struct {
	mu       sync.Mutex
	rev      uint64
	leader   *fakeCand
	queue    []*fakeCand
	changed  chan struct{}    // closed and replaced on every change
	campErr  map[string]error // process -> error its next Campaign returns
	writeErr map[string]error // process -> error its next FencedWrite returns
	dialed   map[string]int   // process -> candidates made
	// afterCrash counts, per process, the requests (Campaign, FencedWrite,
	// Resign) a candidate made once its process had crashed (its pause, a
	// freezenet.Switch, killed): a crashed process must make none. Its
	// Close reaches nothing: a dead process releases nothing.
	afterCrash map[string]int
	// inWrite, when set, runs at the start of every FencedWrite (outside
	// mu); an error it returns is the write's.
	inWrite func(process string) error
}

func newFakeTarget() *fakeTarget {
	return &fakeTarget{changed: make(chan struct{}), campErr: map[string]error{},
		writeErr: map[string]error{}, dialed: map[string]int{}, afterCrash: map[string]int{}}
}

var _ targets.Target = (*fakeTarget)(nil)

func (f *fakeTarget) Name() string                                  { return "fake" }
func (f *fakeTarget) Probe(context.Context, targets.Endpoint) error { return nil }

func (f *fakeTarget) NewCandidate(_ context.Context, ep targets.Endpoint, cfg targets.CandidateConfig) (targets.Candidate, error) {
	if cfg.Dial == nil {
		return nil, errors.New("fake: the workload must pass a dialer")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dialed[cfg.Process]++
	return &fakeCand{f: f, process: cfg.Process, lost: make(chan struct{}), pause: cfg.Pause}, nil
}

func (f *fakeTarget) NewObserver(context.Context, []targets.Endpoint, *slog.Logger) (targets.Observer, error) {
	return &fakeObserver{f: f}, nil
}

// broadcast wakes every waiter; f.mu held.
func (f *fakeTarget) broadcast() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// promote makes the head of the queue leader if there is none; f.mu held.
func (f *fakeTarget) promote() {
	if f.leader == nil && len(f.queue) > 0 {
		f.leader, f.queue = f.queue[0], f.queue[1:]
	}
	f.broadcast()
}

// expire ends the leadership of process, as a lease running out would.
func (f *fakeTarget) expire(process string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.leader == nil || f.leader.process != process {
		return fmt.Errorf("%s does not lead", process)
	}
	c := f.leader
	f.leader = nil
	c.reason = "expired"
	close(c.lost)
	f.promote()
	return nil
}

// current returns the leading process and its token.
func (f *fakeTarget) current() (string, uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.leader == nil {
		return "", 0
	}
	return f.leader.process, f.leader.tok
}

type fakeCand struct {
	f       *fakeTarget
	process string
	tok     uint64 // drawn when it joined the queue
	lost    chan struct{}
	reason  string
	pause   targets.Pause
}

// crashed reports whether c's process crashed, and counts the request
// req in f.afterCrash if so; f.mu held.
func (c *fakeCand) crashed(req bool) bool {
	k, ok := c.pause.(interface{ Killed() bool })
	dead := ok && k.Killed()
	if dead && req {
		c.f.afterCrash[c.process]++
	}
	return dead
}

var errFakeCrashed = errors.New("fake: the connection is closed")

func (c *fakeCand) Campaign(ctx context.Context) (uint64, error) {
	f := c.f
	f.mu.Lock()
	if c.crashed(true) {
		f.mu.Unlock()
		return 0, errFakeCrashed
	}
	if err, ok := f.campErr[c.process]; ok {
		delete(f.campErr, c.process)
		f.mu.Unlock()
		return 0, err
	}
	f.rev++
	c.tok, c.lost, c.reason = f.rev, make(chan struct{}), ""
	f.queue = append(f.queue, c)
	f.promote()
	for f.leader != c {
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-ch:
		}
		f.mu.Lock()
		if ctx.Err() != nil { // given up: not granted, even if promoted meanwhile
			if !c.crashed(false) || f.leader != c { // a crashed leader's lease stays until it expires
				c.leave()
			}
			f.mu.Unlock()
			return 0, ctx.Err()
		}
	}
	f.mu.Unlock()
	return c.tok, nil
}

// leave drops c from the queue and from leadership; f.mu held.
func (c *fakeCand) leave() {
	f := c.f
	f.queue = slices.DeleteFunc(f.queue, func(o *fakeCand) bool { return o == c })
	if f.leader == c {
		f.leader = nil
	}
	f.promote()
}

func (c *fakeCand) Lost() <-chan struct{} {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	return c.lost
}

func (c *fakeCand) LostReason() string {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	return c.reason
}

func (c *fakeCand) Resign(context.Context) error {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.crashed(true) {
		return errFakeCrashed
	}
	if c.f.leader == c {
		c.leave()
	}
	return nil
}

func (c *fakeCand) FencedWrite(_ context.Context, token uint64, _ []byte) error {
	f := c.f
	f.mu.Lock()
	hook, dead := f.inWrite, c.crashed(true)
	f.mu.Unlock()
	if dead {
		return errFakeCrashed
	}
	if hook != nil {
		if err := hook(c.process); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err, ok := f.writeErr[c.process]; ok {
		delete(f.writeErr, c.process)
		return err
	}
	if f.leader == nil || f.leader.tok != token {
		return fmt.Errorf("fake: token %d does not lead: %w", token, targets.ErrRejected)
	}
	return nil
}

func (c *fakeCand) Close() error {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.crashed(false) {
		if c.f.leader != c { // a waiter's place in the queue goes with its session; a leader's lease stays
			c.leave()
		}
		return errFakeCrashed
	}
	c.leave()
	return nil
}

type fakeObserver struct{ f *fakeTarget }

func (o *fakeObserver) Watch(ctx context.Context, fn func(string, uint64)) error {
	last, lastTok, first := "", uint64(0), true
	for {
		if !first && ctx.Err() != nil { // stopped: what changes now is not watched
			return nil
		}
		o.f.mu.Lock()
		leader, tok, ch := "", uint64(0), o.f.changed
		if o.f.leader != nil {
			leader, tok = o.f.leader.process, o.f.leader.tok
		}
		o.f.mu.Unlock()
		if first || leader != last || tok != lastTok {
			first, last, lastTok = false, leader, tok
			fn(leader, tok)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ch:
		}
	}
}

func (o *fakeObserver) Close() error { return nil }
