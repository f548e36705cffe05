package election

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

func TestElectsWritesAndResignsOnStop(t *testing.T) {
	f := newFakeTarget()
	r := startRun(t, f, endpoints(3), ResourceToken)
	r.waitFor("an accepted write", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FWrite)) >= 3 })
	leader, tok := f.current()
	node, ok := r.w.Leader()
	if !ok || node != leader {
		t.Fatalf("Leader() = %q %v, want %q", node, ok, leader)
	}
	st := r.w.Stats()
	if st.Elections != 1 || st.Leader != leader || st.Ops == 0 {
		t.Fatalf("Stats() = %+v", st)
	}
	ops := r.stop()
	grants := find(ops, "", history.OK, history.FCampaign)
	if len(grants) != 1 || grants[0].Process != leader || token(t, grants[0]) != tok {
		t.Fatalf("grants %v, want one of %s with token %d", grants, leader, tok)
	}
	for _, w := range find(ops, "", history.Invoke, history.FWrite) {
		if w.Process != leader || token(t, w) != tok {
			t.Fatalf("write by a non-leader: %+v", w)
		}
	}
	if rs := find(ops, leader, history.OK, history.FResign); len(rs) != 1 || token(t, rs[0]) != tok {
		t.Fatalf("leader did not resign on Stop: %v", rs)
	}
	// The followers' campaigns were cut short: info.
	if n := len(find(ops, "", history.Info, history.FCampaign)); n != 2 {
		t.Fatalf("%d campaigns ended in info, want 2 (the followers')", n)
	}
	obs := find(ops, history.Observer, history.Info, history.FLeader)
	if len(obs) == 0 || !strings.Contains(string(obs[len(obs)-1].Value), `"leader":"`+leader+`"`) {
		t.Fatalf("observer did not record %s leading: %v", leader, obs)
	}
}

func TestProcessRetiresAfterInfo(t *testing.T) {
	f := newFakeTarget()
	f.campErr["n1"] = errors.New("connection reset")
	r := startRun(t, f, endpoints(2), ResourceNone)
	r.waitFor("n1#2 campaigning", func(ops []history.Op) bool {
		return len(find(ops, "n1#2", history.Invoke, history.FCampaign)) > 0
	})
	ops := r.stop() // history.Read rejects an op of n1 after its info
	inf := find(ops, "n1", history.Info, history.FCampaign)
	if len(inf) != 1 || inf[0].Err != "connection reset" {
		t.Fatalf("n1's campaign: %v", inf)
	}
	if f.dialed["n1#2"] != 1 {
		t.Fatalf("n1#2 got %d candidates, want a fresh one", f.dialed["n1#2"])
	}
}

func TestLostThenCampaignsAgain(t *testing.T) {
	f := newFakeTarget()
	r := startRun(t, f, endpoints(3), ResourceToken)
	r.waitFor("a leader", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FWrite)) > 0 })
	first, tok := f.current()
	if err := f.expire(first); err != nil {
		t.Fatal(err)
	}
	r.waitFor("a second grant", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FCampaign)) >= 2 })
	r.waitFor("the first leader campaigning again", func(ops []history.Op) bool {
		return len(find(ops, first, history.Invoke, history.FCampaign)) >= 2
	})
	ops := r.stop()
	lost := find(ops, first, history.Info, history.FLost)
	if len(lost) != 1 || token(t, lost[0]) != tok || !strings.Contains(string(lost[0].Value), `"reason":"expired"`) {
		t.Fatalf("lost notifications of %s: %v", first, lost)
	}
	grants := find(ops, "", history.OK, history.FCampaign)
	if grants[1].Process == first || token(t, grants[1]) <= tok {
		t.Fatalf("second grant %+v after %s with %d", grants[1], first, tok)
	}
	for i := 1; i < len(grants); i++ {
		if token(t, grants[i]) <= token(t, grants[i-1]) {
			t.Fatalf("tokens do not increase: %v", grants)
		}
	}
}

func TestTokenResourceRejectsLowerTokens(t *testing.T) {
	var r tokenResource
	for _, c := range []struct {
		tok  uint64
		want bool
	}{{5, true}, {5, true}, {7, true}, {6, false}, {8, true}} {
		err := r.write(context.Background(), nil, resourceWrite{Token: c.tok})
		if (err == nil) != c.want {
			t.Fatalf("write token %d: err %v, want accepted=%v", c.tok, err, c.want)
		}
		if err != nil && err.Error() != "stale token 6 < 7: rejected by fencing" {
			t.Fatalf("error text %q", err)
		}
	}
	if err := (noneResource{}).write(context.Background(), nil, resourceWrite{Token: 1}); err != nil {
		t.Fatalf("none rejected: %v", err)
	}
}

func TestBackendUnknownWriteRetires(t *testing.T) {
	f := newFakeTarget()
	r := startRun(t, f, endpoints(1), ResourceBackend)
	r.waitFor("a write", func(ops []history.Op) bool { return len(find(ops, "n1", history.OK, history.FWrite)) > 0 })
	f.mu.Lock()
	f.writeErr["n1"] = errors.New("deadline exceeded")
	f.mu.Unlock()
	r.waitFor("n1#2 writing", func(ops []history.Op) bool { return len(find(ops, "n1#2", history.OK, history.FWrite)) > 0 })
	ops := r.stop()
	if inf := find(ops, "n1", history.Info, history.FWrite); len(inf) != 1 {
		t.Fatalf("n1's unknown write: %v", inf)
	}
}

func TestConfigErrors(t *testing.T) {
	_, err := Start(context.Background(), Config{Resource: "maybe", Endpoints: endpoints(1)})
	if err == nil || !strings.Contains(err.Error(), "resource") || !strings.Contains(err.Error(), "target: nil") {
		t.Fatalf("err = %v", err)
	}
}

func TestStopEndsEveryGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	f := newFakeTarget()
	r := startRun(t, f, endpoints(3), ResourceNone)
	r.waitFor("a write", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FWrite)) > 0 })
	leader, _ := f.current()
	if _, err := r.w.Freeze(context.Background(), leader, time.Hour); err != nil {
		t.Fatal(err)
	}
	r.stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := r.w.Stop(ctx); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := r.w.Freeze(context.Background(), "n1", time.Second); err == nil {
		t.Fatal("Freeze after Stop succeeded")
	}
	waitGoroutines(t, before)
}
