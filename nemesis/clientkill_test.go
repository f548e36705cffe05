package nemesis

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// Crash and Restart make the fake the run's Crashes: a crash's end is a
// lost of the crashed process, recorded when the fault calls it.
func (f *fake) Crash(ctx context.Context, n string) (string, func(), error) {
	if err := f.call("crash "+n, "crash "+n, ctx, false); err != nil {
		return "", nil, err
	}
	return n, func() {
		f.Record(history.Op{Process: n, Node: n, Type: history.Info, F: history.FLost,
			Value: history.MustValue(history.Lost{Token: 1, Reason: "crashed"})})
	}, nil
}

func (f *fake) Restart(ctx context.Context, n string) (string, error) {
	if err := f.call("restart "+n, "restart "+n, ctx, true); err != nil {
		return "", err
	}
	return n + "#2", nil
}

// TestClientKillRecordsCrashAfterStart runs one client kill of the
// leader: it crashes the leader's candidate, records the fault-start
// (kind, node, process), then the crashed process's end, and at the heal
// restarts the node's candidate on a context the run has cancelled and
// records the heal.
func TestClientKillRecordsCrashAfterStart(t *testing.T) {
	f := newFake(3)
	env := f.env()
	env.Crashes = f
	n, err := New(Spec{Faults: []FaultSpec{{Kind: "client-kill", Victim: "leader", Duration: time.Hour}}}, env, rng(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go f.cancelAfter(2, cancel) // the start and the crash's end
	if err := n.Run(ctx); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.Equal(f.calls, []string{"crash n2", "restart n2"}) {
		t.Fatalf("calls %v, want the leader's client crashed, then restarted", f.calls)
	}
	if len(f.ctxErrs) != 1 || f.ctxErrs[0] != nil {
		t.Fatalf("the restart's context: %v, want one outliving the run", f.ctxErrs)
	}
	if len(f.ops) != 3 {
		t.Fatalf("%d ops, want fault-start, the crash's end, fault-heal: %+v", len(f.ops), f.ops)
	}
	start, end, heal := f.ops[0], f.ops[1], f.ops[2]
	v, _ := start.Fault()
	if start.F != history.FFaultStart || start.Node != "n2" || v.Kind != "client-kill" || v.Process != "n2" || v.Victim != "leader" {
		t.Fatalf("fault-start %+v (%+v)", start, v)
	}
	if end.F != history.FLost || end.Process != "n2" || end.Index <= start.Index {
		t.Fatalf("the crash's end %+v, want n2's lost after the fault-start", end)
	}
	if hv, _ := heal.Fault(); heal.F != history.FFaultHeal || hv.Kind != "client-kill" || hv.Process != "n2" || hv.Node != "n2" {
		t.Fatalf("fault-heal %+v (%+v)", heal, hv)
	}
}

// TestClientKillWithoutCrashes: a run without an election workload has
// no candidates to crash; the start fails and is recorded as such, and the
// heal restarts nothing.
func TestClientKillWithoutCrashes(t *testing.T) {
	f := newFake(3)
	n, err := New(Spec{Faults: []FaultSpec{{Kind: "client-kill", Victim: "n1", Duration: time.Hour}}}, f.env(), rng(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go f.cancelAfter(1, cancel)
	err = n.Run(ctx)
	var fe *FaultError
	if !errors.As(err, &fe) || !errors.Is(err, errNoCrashes) || f.ops[0].F != history.FFaultError {
		t.Fatalf("err %v, ops %+v", err, f.ops)
	}
	if v, _ := f.ops[0].Fault(); v.Process != "" || v.Kind != "client-kill" {
		t.Fatalf("fault-error value %+v: no process was crashed", v)
	}
	if len(f.calls) != 0 {
		t.Fatalf("calls %v", f.calls)
	}
}

// TestClientKillFailedCrash: a crash that fails is a fault-error naming
// the node; nothing crashed is still healed (the restart is idempotent).
func TestClientKillFailedCrash(t *testing.T) {
	f := newFake(3)
	f.fail = map[string]error{"crash n3": errors.New("workload stopped")}
	env := f.env()
	env.Crashes = f
	n, _ := New(Spec{Faults: []FaultSpec{{Kind: "client-kill", Victim: "n3", Duration: time.Hour}}}, env, rng(1))
	ctx, cancel := context.WithCancel(context.Background())
	go f.cancelAfter(1, cancel)
	err := n.Run(ctx)
	if err == nil || f.ops[0].F != history.FFaultError || f.ops[0].Node != "n3" {
		t.Fatalf("err %v ops %+v", err, f.ops)
	}
	// The schedule may go on a few rounds before the cancel lands.
	if len(f.calls) < 2 || !slices.Equal(f.calls[:2], []string{"crash n3", "restart n3"}) {
		t.Fatalf("calls %v", f.calls)
	}
}

func TestValidateClientKill(t *testing.T) {
	for victim, field := range map[string]string{
		"leader": "", "random": "", "follower": "", "": "", "n2": "",
		"minority": "victim", "majority": "victim", VictimAPIServer: "victim", "n4": "victim",
	} {
		got, err := ValidateFault(FaultSpec{Kind: "client-kill", Victim: victim, Duration: time.Second}, 3)
		if got != field || (field == "") != (err == nil) {
			t.Errorf("client-kill of %q: field %q, err %v; want field %q", victim, got, err, field)
		}
	}
	if _, err := ValidateFault(FaultSpec{Kind: "client-kill", Victim: "leader", Duration: time.Second, Delay: time.Second}, 3); err == nil {
		t.Error("a client-kill with a delay passed")
	}
	if got := (FaultSpec{Kind: "client-kill", Duration: 6 * time.Second}).Needs(); got != 6500*time.Millisecond {
		t.Errorf("a 6 s client-kill needs %s of the window, want 6.5s (it acts in the harness)", got)
	}
}
