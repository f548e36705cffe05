package election

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// crashMark stands in for the nemesis's fault-start of the crash: the
// crashed process's end is recorded after it.
func crashMark(r *run, process string) history.Op {
	return r.rec.Record(history.Op{Process: history.Nemesis, Type: history.Info, F: history.FFaultStart,
		Value: history.MustValue(history.Fault{Kind: "client-kill", Process: process})})
}

// after returns the ops of process recorded after op.
func after(ops []history.Op, process string, op history.Op) []history.Op {
	var out []history.Op
	for _, o := range ops {
		if o.Process == process && o.Index > op.Index {
			out = append(out, o)
		}
	}
	return out
}

// TestCrashLeader crashes the leading candidate: it records nothing after
// its crash but the lost that ends its leadership, makes no request of the
// backend, and keeps its lease there (Close released nothing) until it
// expires; then another process is granted. The restart starts a new
// process of the node, with a new candidate, which campaigns.
func TestCrashLeader(t *testing.T) {
	f := newFakeTarget()
	r := startRun(t, f, endpoints(3), ResourceToken)
	r.waitFor("a write", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FWrite)) > 0 })
	old, oldTok := f.current()
	node := nodeOf(old)
	process, end, err := r.w.Crash(context.Background(), node)
	if err != nil || process != old {
		t.Fatalf("Crash = %q, %v; want %q", process, err, old)
	}
	if _, _, err := r.w.Crash(context.Background(), node); err == nil {
		t.Fatal("a second Crash of a crashed node succeeded")
	}
	mark := crashMark(r, process)
	end()
	end()                              // records once
	time.Sleep(100 * time.Millisecond) // the crashed loop would have written 20 times
	if got, tok := f.current(); got != old || tok != oldTok {
		t.Fatalf("the backend shows %q (token %d) after the crash, want the crashed %q still holding its lease", got, tok, old)
	}
	if err := f.expire(old); err != nil {
		t.Fatal(err)
	}
	r.waitFor("another grant", func(ops []history.Op) bool {
		for _, g := range find(ops, "", history.OK, history.FCampaign) {
			if g.Index > mark.Index && g.Process != old {
				return true
			}
		}
		return false
	})
	if r.w.slot(node).switchOf().Killed() {
		t.Fatal("the slot kept the crashed process's switch")
	}
	next, err := r.w.Restart(context.Background(), node)
	if err != nil || next == old || nodeOf(next) != node {
		t.Fatalf("Restart = %q, %v; want a new process of %s", next, err, node)
	}
	if again, err := r.w.Restart(context.Background(), node); err != nil || again != next {
		t.Fatalf("second Restart = %q, %v; want %q (idempotent)", again, err, next)
	}
	r.waitFor("the new process campaigning", func(ops []history.Op) bool {
		return len(find(ops, next, history.Invoke, history.FCampaign)) > 0
	})
	ops := r.stop()
	// Its lost, or its write ending unknown when the crash came between
	// the write's invoke and the resource.
	rest := after(ops, old, mark)
	if len(rest) != 1 || rest[0].Type != history.Info || token(t, rest[0]) != oldTok {
		t.Fatalf("ops of %s after its crash: %v, want one info ending its leadership\n%s", old, rest, dump(ops))
	}
	switch fl, _ := rest[0].Fields(); {
	case rest[0].F == history.FLost && fl.Reason == CrashReason:
	case rest[0].F == history.FWrite && rest[0].Err == CrashReason:
	default:
		t.Fatalf("the crash's end: %+v, want a lost or a write ending info, for %q", rest[0], CrashReason)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := f.afterCrash[old]; n != 0 {
		t.Fatalf("the crashed %s made %d requests of the backend", old, n)
	}
	if f.dialed[next] != 1 {
		t.Fatalf("%d candidates made for %s, want 1", f.dialed[next], next)
	}
}

// TestCrashWriteInFlight crashes the leader while its fenced write is in
// flight: the write ends unknown (info, the crash's error), which retires
// the process; what the write's request returns later is not recorded.
func TestCrashWriteInFlight(t *testing.T) {
	f := newFakeTarget()
	r := startRun(t, f, endpoints(3), ResourceBackend)
	r.waitFor("a write", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FWrite)) > 0 })
	old, _ := f.current()
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f.mu.Lock()
	f.inWrite = func(process string) error {
		held := false
		once.Do(func() { held = process == old })
		if held {
			close(entered)
			<-release
		}
		return nil
	}
	f.mu.Unlock()
	<-entered
	process, end, err := r.w.Crash(context.Background(), nodeOf(old))
	if err != nil || process != old {
		t.Fatalf("Crash = %q, %v", process, err)
	}
	mark := crashMark(r, process)
	end()
	close(release) // the request comes back to a dead process
	time.Sleep(50 * time.Millisecond)
	ops := r.stop()
	rest := after(ops, old, mark)
	if len(rest) != 1 || rest[0].F != history.FWrite || rest[0].Type != history.Info || rest[0].Err != CrashReason {
		t.Fatalf("ops of %s after its crash: %v, want its write ending info\n%s", old, rest, dump(ops))
	}
	var invoked history.Op
	for _, op := range find(ops, old, history.Invoke, history.FWrite) {
		invoked = op
	}
	if string(invoked.Value) != string(rest[0].Value) {
		t.Fatalf("the unknown write's value %s, its invoke's %s", rest[0].Value, invoked.Value)
	}
}

// TestCrashWaiter crashes a candidate waiting in its campaign: the
// campaign ends unknown; the others are not disturbed.
func TestCrashWaiter(t *testing.T) {
	f := newFakeTarget()
	r := startRun(t, f, endpoints(3), ResourceToken)
	r.waitFor("a write", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FWrite)) > 0 })
	leader, _ := f.current()
	victim := "n1"
	if leader == "n1" {
		victim = "n2"
	}
	process, end, err := r.w.Crash(context.Background(), victim)
	if err != nil || process != victim {
		t.Fatalf("Crash = %q, %v", process, err)
	}
	mark := crashMark(r, process)
	end()
	r.waitFor("the leader writing on", func(ops []history.Op) bool {
		for _, w := range find(ops, leader, history.OK, history.FWrite) {
			if w.Index > mark.Index+5 {
				return true
			}
		}
		return false
	})
	ops := r.stop()
	rest := after(ops, victim, mark)
	if len(rest) != 1 || rest[0].F != history.FCampaign || rest[0].Type != history.Info || rest[0].Err != CrashReason {
		t.Fatalf("ops of %s after its crash: %v, want its campaign ending info\n%s", victim, rest, dump(ops))
	}
}

// TestCrashedNodeAfterStop: a crash never restarted still has its end
// recorded by Stop, a crash after Stop fails, and no goroutine of the
// crashed candidate outlives Stop.
func TestCrashedNodeAfterStop(t *testing.T) {
	before := runtime.NumGoroutine()
	f := newFakeTarget()
	r := startRun(t, f, endpoints(2), ResourceToken)
	r.waitFor("a write", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FWrite)) > 0 })
	old, _ := f.current()
	if _, _, err := r.w.Crash(context.Background(), nodeOf(old)); err != nil {
		t.Fatal(err)
	}
	ops := r.stop() // every invoke completed
	if lost := find(ops, old, history.Info, history.FLost); len(lost) != 1 {
		t.Fatalf("lost of the crashed %s: %v", old, lost)
	}
	if _, _, err := r.w.Crash(context.Background(), "n1"); err == nil {
		t.Fatal("Crash after Stop succeeded")
	}
	if _, _, err := r.w.Crash(context.Background(), "n9"); err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("Crash of an unknown node: %v", err)
	}
	waitGoroutines(t, before)
}
