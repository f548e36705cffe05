package election

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/targets"
)

// syncBuffer is a bytes.Buffer safe for the writer's flush goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.b.Bytes()...)
}

// run is a workload under test with its history.
type run struct {
	t   *testing.T
	w   *Workload
	rec *history.Writer
	out *syncBuffer
}

func endpoints(n int) []targets.Endpoint {
	eps := make([]targets.Endpoint, n)
	for i := range eps {
		eps[i] = targets.Endpoint{Node: fmt.Sprintf("n%d", i+1), Addr: fmt.Sprintf("127.0.0.1:%d", 2379+i)}
	}
	return eps
}

func startRun(t *testing.T, target targets.Target, eps []targets.Endpoint, resource string) *run {
	t.Helper()
	out := &syncBuffer{}
	rec := history.NewWriter(out, history.NewClock(), history.KeepOps())
	w, err := Start(context.Background(), Config{Target: target, Endpoints: eps, Resource: resource,
		TTL: time.Second, WriteEvery: 5 * time.Millisecond, Rec: rec})
	if err != nil {
		t.Fatal(err)
	}
	r := &run{t: t, w: w, rec: rec, out: out}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = w.Stop(ctx)
		_ = rec.Close()
	})
	return r
}

// stop stops the workload and returns the history as read back, checked
// by history.Read and for invokes left without completion.
func (r *run) stop() []history.Op {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.w.Stop(ctx); err != nil {
		r.t.Fatalf("Stop: %v", err)
	}
	if err := r.rec.Close(); err != nil {
		r.t.Fatal(err)
	}
	ops, warns, err := history.Read(bytes.NewReader(r.out.Bytes()), "history.jsonl")
	if err != nil || len(warns) > 0 {
		r.t.Fatalf("history does not read back: %v %v", err, warns)
	}
	open := map[string]string{}
	for _, op := range ops {
		switch {
		case op.Type == history.Invoke:
			open[op.Process] = op.F
		case open[op.Process] == op.F:
			delete(open, op.Process)
		}
	}
	if len(open) > 0 {
		r.t.Fatalf("invokes without completion after Stop: %v", open)
	}
	return ops
}

// waitFor polls the recorded ops until cond holds.
func (r *run) waitFor(what string, cond func(ops []history.Op) bool) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond(r.rec.Ops()) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.t.Fatalf("timed out waiting for %s; history:\n%s", what, dump(r.rec.Ops()))
}

func dump(ops []history.Op) string {
	var b strings.Builder
	for i, op := range ops {
		if i > 200 {
			fmt.Fprintf(&b, "... %d more\n", len(ops)-i)
			break
		}
		j, _ := json.Marshal(op)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func token(t *testing.T, op history.Op) uint64 {
	t.Helper()
	f, err := op.Fields()
	if err != nil || f.Token == nil {
		t.Fatalf("op %d has no token: %s (%v)", op.Index, op.Value, err)
	}
	return *f.Token
}

// find returns the ops matching.
func find(ops []history.Op, process string, typ history.Type, f string) []history.Op {
	var out []history.Op
	for _, op := range ops {
		if (process == "" || op.Process == process) && op.Type == typ && op.F == f {
			out = append(out, op)
		}
	}
	return out
}

// waitGoroutines polls until the goroutine count is at most n.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, want <= %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
