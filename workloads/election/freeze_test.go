package election

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// TestFreezeMakesStaleWrite freezes the leader, ends its leadership while
// it is frozen, waits for a newer leader's write, and checks the write the
// zombie makes when it thaws: accepted without fencing, rejected with it.
func TestFreezeMakesStaleWrite(t *testing.T) {
	for _, c := range []struct {
		resource string
		want     history.Type
	}{{ResourceNone, history.OK}, {ResourceToken, history.Fail}, {ResourceBackend, history.Fail}} {
		t.Run(c.resource, func(t *testing.T) {
			f := newFakeTarget()
			r := startRun(t, f, endpoints(3), c.resource)
			r.waitFor("a write", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FWrite)) > 0 })
			old, oldTok := f.current()
			process, err := r.w.Freeze(context.Background(), old, 400*time.Millisecond)
			if err != nil || process != old {
				t.Fatalf("Freeze = %q, %v; want %q", process, err, old)
			}
			if _, err := r.w.Freeze(context.Background(), old, time.Second); err == nil {
				t.Fatal("a second Freeze of a frozen node succeeded")
			}
			s := r.w.slots[int(old[1]-'1')]
			deadline := time.Now().Add(5 * time.Second)
			for !s.isParked() {
				if time.Now().After(deadline) {
					t.Fatal("frozen loop never parked")
				}
				time.Sleep(time.Millisecond)
			}
			if err := f.expire(old); err != nil {
				t.Fatal(err)
			}
			r.waitFor("a newer leader's write", func(ops []history.Op) bool {
				for _, w := range find(ops, "", history.OK, history.FWrite) {
					if w.Process != old && token(t, w) > oldTok {
						return true
					}
				}
				return false
			})
			r.waitFor("the zombie's lost", func(ops []history.Op) bool { return len(find(ops, old, history.Info, history.FLost)) > 0 })
			ops := r.stop()
			// The op after the last ok write of old, before its lost, is the stale write.
			var stale []history.Op
			lost := find(ops, old, history.Info, history.FLost)[0]
			for _, op := range ops {
				if op.Process == old && op.F == history.FWrite && op.Type != history.Invoke && op.Index < lost.Index {
					stale = append(stale, op)
				}
			}
			last := stale[len(stale)-1]
			if last.Type != c.want || token(t, last) != oldTok {
				t.Fatalf("stale write: %+v, want %s with token %d\n%s", last, c.want, oldTok, dump(ops))
			}
			newer := false
			for _, g := range find(ops, "", history.OK, history.FCampaign) {
				newer = newer || (g.Index < last.Index && token(t, g) > oldTok)
			}
			if !newer {
				t.Fatal("no newer grant before the stale write")
			}
		})
	}
}

// TestFreezeWaitsForWriteInFlight freezes the leader while its write is in
// flight: the freeze waits for the write to end, so the write is not cut
// off mid-request (failing by its timeout and retiring the process) and the
// loop parks at its freeze point, writing again after the thaw.
func TestFreezeWaitsForWriteInFlight(t *testing.T) {
	f := newFakeTarget()
	r := startRun(t, f, endpoints(3), ResourceBackend)
	r.waitFor("a write", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FWrite)) > 0 })
	old, _ := f.current()
	s := r.w.slots[int(old[1]-'1')]
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f.mu.Lock()
	f.inWrite = func(process string) error {
		if process != old {
			return nil
		}
		held := false
		once.Do(func() { held = true })
		if !held {
			return nil
		}
		close(entered)
		<-release
		if s.switchOf().Frozen() { // what a request on a frozen connection meets
			return errors.New("fake: request timed out on a frozen connection")
		}
		return nil
	}
	f.mu.Unlock()
	<-entered
	froze := make(chan error, 1)
	go func() {
		_, err := r.w.Freeze(context.Background(), old, 300*time.Millisecond)
		froze <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !s.switchOf().Frozen() && !s.freezeWaits() {
		if time.Now().After(deadline) {
			t.Fatal("the freeze neither took effect nor waited")
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := <-froze; err != nil {
		t.Fatalf("Freeze: %v", err)
	}
	for !s.isParked() {
		if time.Now().After(deadline) {
			t.Fatal("frozen loop never parked")
		}
		time.Sleep(time.Millisecond)
	}
	parkedAt := int64(len(r.rec.Ops()))
	r.waitFor("the leader's write after the thaw", func(ops []history.Op) bool {
		for _, op := range find(ops, old, history.OK, history.FWrite) {
			if op.Index >= parkedAt {
				return true
			}
		}
		return false
	})
	ops := r.stop()
	if bad := find(ops, old, history.Info, history.FWrite); len(bad) > 0 {
		t.Fatalf("the write in flight at the freeze ended unknown: %+v\n%s", bad, dump(ops))
	}
}
