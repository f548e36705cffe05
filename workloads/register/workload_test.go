package register

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/targets"
)

// memStore is an in-memory register shared by the fake's clients. stale
// makes reads return the value before the last write of the key: a
// planted stale read.
type memStore struct {
	mu        sync.Mutex
	vals      map[string][]byte
	prev      map[string][]byte
	stale     bool
	failEvery int // every n-th op fails with an unknown outcome (0 = never)
	n         int
}

type fakeTarget struct{ s *memStore }

func (f fakeTarget) ReadModes() []string { return []string{"only"} }
func (f fakeTarget) NewRegister(ctx context.Context, ep targets.Endpoint, cfg targets.RegisterConfig) (targets.Register, error) {
	return fakeClient{f.s}, nil
}

type fakeClient struct{ s *memStore }

var errLost = errors.New("connection lost")

func (c fakeClient) unlucky() bool {
	c.s.n++
	return c.s.failEvery > 0 && c.s.n%c.s.failEvery == 0
}

func (c fakeClient) Read(ctx context.Context, key string) ([]byte, bool, error) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.unlucky() {
		return nil, false, errLost
	}
	src := c.s.vals
	if c.s.stale {
		if _, ok := c.s.prev[key]; ok {
			src = c.s.prev
		}
	}
	v, ok := src[key]
	return v, ok, nil
}

func (c fakeClient) Write(ctx context.Context, key string, value []byte) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.unlucky() {
		return errLost // (not applied: an unknown outcome may be either)
	}
	if v, ok := c.s.vals[key]; ok {
		c.s.prev[key] = v
	}
	c.s.vals[key] = value
	return nil
}

func (c fakeClient) CAS(ctx context.Context, key string, from, to []byte) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.unlucky() {
		return errLost
	}
	if v, ok := c.s.vals[key]; !ok || string(v) != string(from) {
		return targets.ErrCASFailed
	}
	c.s.prev[key] = c.s.vals[key]
	c.s.vals[key] = to
	return nil
}

func (c fakeClient) Close() error { return nil }

func run(t *testing.T, s *memStore, d time.Duration) []history.Op {
	t.Helper()
	rec := history.NewWriter(io.Discard, history.NewClock(), history.KeepOps())
	eps := []targets.Endpoint{{Node: "n1"}, {Node: "n2"}, {Node: "n3"}}
	w, err := Start(context.Background(), Config{Target: fakeTarget{s}, Endpoints: eps, Keys: 3, Every: time.Millisecond, Seed: 1, Rec: rec})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(d)
	w.Stop()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	return rec.Ops()
}

func newStore() *memStore {
	return &memStore{vals: map[string][]byte{}, prev: map[string][]byte{}}
}

func check(t *testing.T, ops []history.Op) checkers.Result {
	t.Helper()
	return (&checkers.Linearizable{Timeout: 10 * time.Second}).Check(context.Background(), ops)
}

// A linearizable store gives a linearizable history, in the history
// format the reader accepts.
func TestWorkloadOnAHealthyStore(t *testing.T) {
	ops := run(t, newStore(), 300*time.Millisecond)
	if len(ops) < 100 {
		t.Fatalf("only %d ops", len(ops))
	}
	fs := map[string]int{}
	procs := map[string]bool{}
	for _, op := range ops {
		fs[op.F]++
		procs[op.Process] = true
	}
	if fs["read"] == 0 || fs["write"] == 0 || fs["cas"] == 0 || len(procs) != 6 {
		t.Fatalf("ops by f %v, processes %v", fs, procs)
	}
	if res := check(t, ops); res.Validity != checkers.Valid {
		t.Fatalf("%s: %s %+v", res.Validity, res.Summary, res.Anomalies)
	}
}

// Stale reads are found by the checker.
func TestWorkloadStaleReadsAreFound(t *testing.T) {
	s := newStore()
	s.stale = true
	if res := check(t, run(t, s, 300*time.Millisecond)); res.Validity != checkers.Invalid {
		t.Fatalf("%s: %s", res.Validity, res.Summary)
	}
}

// An op with an unknown outcome completes as info and retires its
// process; the slot goes on under a new name.
func TestUnknownOutcomesRetireProcesses(t *testing.T) {
	s := newStore()
	s.failEvery = 25
	ops := run(t, s, 800*time.Millisecond)
	infos, renamed := 0, false
	for _, op := range ops {
		if op.Type == history.Info {
			infos++
		}
		renamed = renamed || strings.Contains(op.Process, "#2")
	}
	if infos == 0 || !renamed {
		t.Fatalf("%d info ops, renamed processes %v", infos, renamed)
	}
	if res := check(t, ops); res.Validity != checkers.Valid {
		t.Fatalf("%s: %s %+v", res.Validity, res.Summary, res.Anomalies)
	}
}
