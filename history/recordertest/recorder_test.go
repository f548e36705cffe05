package recordertest

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/linkproxy"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/workloads/election"
	"github.com/chaos-election/chaos/workloads/register"
)

// TestRecordersReadBack runs every recorder of the harness at once into
// one history — candidates that are granted, write, lose their lease,
// fail to be elected and resign; the observer; register clients whose ops
// succeed, fail and end unknown; the nemesis with every kind of fault,
// some failing to start — and reads it back: history.Read must accept
// every line, value fields included.
func TestRecordersReadBack(t *testing.T) {
	var out bytes.Buffer
	rec := history.NewWriter(&out, history.NewClock())
	eps := []targets.Endpoint{{Node: "n1"}, {Node: "n2"}, {Node: "n3"}, {Node: "n4"}, {Node: "n5"}}
	ctx := context.Background()

	elect := newBackend()
	ew, err := election.Start(ctx, election.Config{Target: elect, Endpoints: eps, Rec: rec, WriteEvery: 3 * time.Millisecond,
		Dial: func(string) targets.Dialer { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	rw, err := register.Start(ctx, register.Config{Target: &store{m: map[string][]byte{}}, Endpoints: eps[:3], Rec: rec,
		Every: 2 * time.Millisecond, Keys: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var faults []nemesis.FaultSpec
	for _, s := range []string{"halves", "isolate-leader", "majority-ring", "bridge", "random"} {
		faults = append(faults, nemesis.FaultSpec{Kind: "partition", Shape: s, Duration: 5 * time.Millisecond})
	}
	for _, k := range []string{"pause", "kill", "client-pause", "client-kill", "client-partition"} {
		faults = append(faults, nemesis.FaultSpec{Kind: k, Victim: "leader", Duration: 5 * time.Millisecond})
	}
	faults = append(faults,
		nemesis.FaultSpec{Kind: "pause", Victim: "minority", Duration: 5 * time.Millisecond},
		nemesis.FaultSpec{Kind: "client-delay", Victim: "random", Duration: 5 * time.Millisecond, Delay: time.Millisecond, Jitter: time.Millisecond},
		nemesis.FaultSpec{Kind: "client-loss", Victim: "n2", Duration: 5 * time.Millisecond, Loss: 0.5})
	cl := &cluster{}
	nem, err := nemesis.New(nemesis.Spec{Faults: faults, Interval: 2 * time.Millisecond},
		nemesis.Env{Cluster: cl, Clients: ew, Crashes: ew, Links: links{}, Rec: rec}, rand.New(rand.NewPCG(7, 7)))
	if err != nil {
		t.Fatal(err)
	}
	nctx, stopNemesis := context.WithCancel(ctx)
	nemDone := make(chan struct{})
	go func() { _ = nem.Run(nctx); close(nemDone) }()
	stopExpiry := elect.expireEvery(15 * time.Millisecond)

	time.Sleep(1500 * time.Millisecond)
	stopNemesis()
	<-nemDone
	stopExpiry()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := ew.Stop(sctx); err != nil {
		t.Fatal(err)
	}
	rw.Stop()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}

	ops, warns, err := history.Read(bytes.NewReader(out.Bytes()), "history.jsonl")
	if err != nil || len(warns) > 0 {
		t.Fatalf("the recorders' history does not read back: %v %v", err, warns)
	}
	seen := map[string]int{}
	for _, op := range ops {
		kind := string(op.Type) + " " + op.F
		if op.F == history.FWrite {
			if f, _ := op.Fields(); f.Key != nil {
				kind += " (register)"
			}
		}
		seen[kind]++
	}
	t.Logf("%d ops: %v", len(ops), seen)
	for _, want := range []string{
		"ok campaign", "fail campaign", "ok write", "info lost", "ok resign", "info leader",
		"ok read", "ok write (register)", "ok cas", "fail cas", "info read",
		"info fault-start", "info fault-heal", "info fault-error",
	} {
		if seen[want] == 0 {
			t.Errorf("the recorders wrote no %q (%d ops: %v)", want, len(ops), seen)
		}
	}
}

// backend is an in-memory election backend: one leader at a time, each
// grant a greater token; a campaign that finds a leader waits a little
// and is then not elected.
type backend struct {
	mu      sync.Mutex
	rev     uint64
	leader  *cand
	changed chan struct{}
}

func newBackend() *backend { return &backend{changed: make(chan struct{})} }

// broadcast wakes the waiters; e.mu held.
func (e *backend) broadcast() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// expireEvery ends the current leadership every d, as a lease running
// out would, until the returned func is called.
func (e *backend) expireEvery(d time.Duration) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(d)
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-done:
				return
			case <-t.C:
			}
			if n%2 == 1 {
				continue // some leaderships last to write and be rejected
			}
			e.mu.Lock()
			if c := e.leader; c != nil {
				e.leader, c.reason = nil, "lease expired"
				close(c.lost)
				e.broadcast()
			}
			e.mu.Unlock()
		}
	}()
	return func() { close(done); <-stopped }
}

func (e *backend) Name() string                                  { return "memory" }
func (e *backend) Probe(context.Context, targets.Endpoint) error { return nil }
func (e *backend) NewCandidate(_ context.Context, _ targets.Endpoint, cfg targets.CandidateConfig) (targets.Candidate, error) {
	return &cand{e: e, process: cfg.Process, lost: make(chan struct{})}, nil
}
func (e *backend) NewObserver(context.Context, []targets.Endpoint, *slog.Logger) (targets.Observer, error) {
	return observer{e}, nil
}

type cand struct {
	e       *backend
	process string
	lost    chan struct{}
	reason  string
}

func (c *cand) Campaign(ctx context.Context) (uint64, error) {
	e := c.e
	timeout := time.After(20 * time.Millisecond)
	for {
		e.mu.Lock()
		if e.leader == nil {
			e.rev++
			e.leader, c.lost = c, make(chan struct{})
			e.broadcast()
			e.mu.Unlock()
			return e.rev, nil
		}
		ch := e.changed
		e.mu.Unlock()
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-timeout:
			return 0, targets.ErrNotElected
		case <-ch:
		}
	}
}

func (c *cand) Lost() <-chan struct{} {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	return c.lost
}

func (c *cand) LostReason() string {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	return c.reason
}

func (c *cand) Resign(context.Context) error {
	c.Close()
	return nil
}

func (c *cand) FencedWrite(context.Context, uint64, []byte) error { return nil }

func (c *cand) Close() error {
	e := c.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.leader == c {
		e.leader = nil
		e.broadcast()
	}
	return nil
}

type observer struct{ e *backend }

func (o observer) Watch(ctx context.Context, fn func(leader string, token uint64)) error {
	for {
		o.e.mu.Lock()
		leader, tok, ch := "", o.e.rev, o.e.changed
		if o.e.leader != nil {
			leader = o.e.leader.process
		}
		o.e.mu.Unlock()
		fn(leader, tok)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

func (o observer) Close() error { return nil }

// store is an in-memory register backend; every 7th op ends unknown.
type store struct {
	mu sync.Mutex
	m  map[string][]byte
	n  int
}

func (s *store) ReadModes() []string { return []string{"default"} }
func (s *store) NewRegister(context.Context, targets.Endpoint, targets.RegisterConfig) (targets.Register, error) {
	return s, nil
}

// op counts an op and reports whether it ends unknown; s.mu held.
func (s *store) unknown() bool {
	s.n++
	return s.n%7 == 0
}

var errTimeout = errors.New("timeout")

func (s *store) Read(_ context.Context, key string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unknown() {
		return nil, false, errTimeout
	}
	v, ok := s.m[key]
	return v, ok, nil
}

func (s *store) Write(_ context.Context, key string, v []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = v
	if s.unknown() {
		return errTimeout
	}
	return nil
}

func (s *store) CAS(_ context.Context, key string, from, to []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unknown() {
		return errTimeout
	}
	if !bytes.Equal(s.m[key], from) {
		return targets.ErrCASFailed
	}
	s.m[key] = to
	return nil
}

func (s *store) Close() error { return nil }

// cluster is a cluster of five nodes that does nothing, except that every
// third kill fails (a fault-error).
type cluster struct {
	mu    sync.Mutex
	kills int
}

func (c *cluster) Names() []string {
	var out []string
	for i := 1; i <= 5; i++ {
		out = append(out, "n"+strconv.Itoa(i))
	}
	return out
}
func (c *cluster) Cut(context.Context, map[string][]string) error { return nil }
func (c *cluster) Mend(context.Context) error                     { return nil }
func (c *cluster) Pause(context.Context, string) error            { return nil }
func (c *cluster) Unpause(context.Context, string) error          { return nil }
func (c *cluster) Start(context.Context, string) error            { return nil }
func (c *cluster) Kill(_ context.Context, node string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kills++
	if c.kills%3 == 1 {
		return errors.New("kill " + node + ": no such container")
	}
	return nil
}

type links struct{}

func (links) SetLink(string, linkproxy.Faults) error { return nil }
