package nemesis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// dockerTimeout is what compose returns when a sidecar's create runs
// into the window's deadline: the Docker client's request, wrapped in
// compose's contexts.
func dockerTimeout(node string) error {
	req := &url.Error{Op: "Post", URL: "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/create?name=chaos-netctl-" + node + "-3",
		Err: context.DeadlineExceeded}
	return fmt.Errorf("cut: %w", fmt.Errorf("netctl drop --from 10.5.0.3 on %s: create sidecar: %w", node, req))
}

// connFailed rewords the error it wraps, as the Docker client's does.
type connFailed struct{ err error }

func (e connFailed) Error() string {
	return "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
}
func (e connFailed) Unwrap() error { return e.err }

type timeoutErr struct{}

func (timeoutErr) Error() string { return "read tcp 10.5.0.2:2379: i/o timeout" }
func (timeoutErr) Timeout() bool { return true }

func TestPlainCause(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/abc/pause",
		Err: errors.New("dial unix /var/run/docker.sock: connect: connection refused")}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{dockerTimeout("n2"), "timed out"},
		{fmt.Errorf("pause n2: %w", context.Canceled), "interrupted"},
		{errors.New("wait for sidecar: Post \"http://x/wait\": context deadline exceeded"), "timed out"}, // a chain formatted with %v
		{fmt.Errorf("unpause n3: %w", timeoutErr{}), "timed out"},
		{fmt.Errorf("pause n3: %w", refused), "dial unix /var/run/docker.sock: connect: connection refused"},
		{fmt.Errorf("kill n1: %w", connFailed{errors.New("dial unix: no such file")}),
			"Cannot connect to the Docker daemon at its address. Is the docker daemon running?"},
		{errors.New("create sidecar: Post \"http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/create\": EOF"), "create sidecar: EOF"},
		{fmt.Errorf("start n1: %w", errors.New("sidecar exited 1: Error: no such table\nnft: 2 lines more")), "sidecar exited 1: Error: no such table"},
		{errors.Join(fmt.Errorf("on n1: %w", errors.New("no such container")), errors.New("other")), "no such container"},
		{errors.New(""), "failed"},
		{nil, "failed"},
	} {
		got := plainCause(tc.err)
		if got != tc.want {
			t.Errorf("plainCause(%v) = %q, want %q", tc.err, got, tc.want)
		}
		if strings.Contains(got, "://") {
			t.Errorf("plainCause(%v) = %q keeps a URL", tc.err, got)
		}
	}
}

func TestFaultErrorSentence(t *testing.T) {
	fe := &FaultError{Fault: "partition isolate-leader", Kind: "partition", Node: "n2", Step: StepStart,
		Action: "cut n2's links", Err: dockerTimeout("n2")}
	if got, want := fe.Sentence(), "partition isolate-leader: could not cut n2's links: timed out"; got != want {
		t.Errorf("Sentence() = %q, want %q", got, want)
	}
	if got := fe.Error(); !strings.HasPrefix(got, "start partition isolate-leader: cut n2's links: cut: netctl drop") ||
		!strings.Contains(got, "http://%2Fvar%2Frun%2Fdocker.sock") || !strings.HasSuffix(got, "context deadline exceeded") {
		t.Errorf("Error() = %q, want the step, the fault, the action and the raw error", got)
	}
	if !errors.Is(fe, context.DeadlineExceeded) {
		t.Error("FaultError does not unwrap to its error")
	}
	heal := &FaultError{Fault: "pause leader", Step: StepHeal, Action: "unpause n3", Err: errors.New("connection refused")}
	if got, want := heal.Sentence(), "pause leader: the heal could not unpause n3: connection refused"; got != want {
		t.Errorf("Sentence() = %q, want %q", got, want)
	}
	bare := &FaultError{Step: StepHeal, Err: context.Canceled}
	if got, want := bare.Sentence(), "a fault: could not heal it: interrupted"; got != want {
		t.Errorf("Sentence() = %q, want %q", got, want)
	}
	joined := fmt.Errorf("run: %w", errors.Join(fe, errors.New("not a fault's"), errors.Join(heal)))
	if got := FaultErrors(joined); len(got) != 2 || got[0] != fe || got[1] != heal {
		t.Errorf("FaultErrors found %v", got)
	}
	if FaultErrors(nil) != nil || FaultErrors(errors.New("x")) != nil {
		t.Error("FaultErrors found errors where there are none")
	}
}

// Every failing step of every kind comes back from Run as a FaultError
// naming the fault, the node and the step, with a plain sentence; the
// history's fault-error keeps the raw error.
func TestRunReturnsFaultErrors(t *testing.T) {
	for _, tc := range []struct {
		spec     FaultSpec
		fail     map[string]error
		sentence []string // of each FaultError, in order
		nodes    []string
	}{
		{spec: FaultSpec{Kind: "partition", Shape: "isolate-leader"}, fail: map[string]error{"cut": dockerTimeout("n2")},
			sentence: []string{"partition isolate-leader: could not cut n2's links: timed out"}, nodes: []string{"n2"}},
		{spec: FaultSpec{Kind: "partition", Shape: "halves"}, fail: map[string]error{"mend": errors.New("no such container")},
			sentence: []string{"partition halves: the heal could not mend the links: no such container"}, nodes: []string{""}},
		{spec: FaultSpec{Kind: "pause", Victim: "majority"}, fail: map[string]error{"pause n1": context.DeadlineExceeded, "pause n2": errors.New("conflict"), "pause n3": errors.New("conflict")},
			sentence: []string{"pause majority: could not pause n1: timed out", "pause majority: could not pause n3: conflict"}, nodes: []string{"n1", "n3"}},
		{spec: FaultSpec{Kind: "kill", Victim: "n3"}, fail: map[string]error{"start n3": context.Canceled},
			sentence: []string{"kill n3: the heal could not restart n3: interrupted"}, nodes: []string{"n3"}},
		{spec: FaultSpec{Kind: "client-partition", Victim: "leader"},
			sentence: []string{"client-partition leader: could not reach the client-side proxies: the run has no client-side proxies"}, nodes: []string{""}},
		{spec: FaultSpec{Kind: "kill", Victim: "random"}, fail: map[string]error{"pause n1": errors.New("not this fault's")}},
	} {
		t.Run(tc.spec.Kind+" "+tc.spec.Shape+tc.spec.Victim, func(t *testing.T) {
			f := newFake(3)
			f.fail = tc.fail
			tc.spec.Duration = time.Hour
			n, err := New(Spec{Faults: []FaultSpec{tc.spec}}, f.env(), rng(3))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			n.env.Rec = cancelOnRecord{f, cancel}
			err = n.Run(ctx)
			fes := FaultErrors(err)
			if len(fes) != len(tc.sentence) {
				t.Fatalf("Run: %v: %d fault errors, want %d", err, len(fes), len(tc.sentence))
			}
			for i, fe := range fes {
				if fe.Sentence() != tc.sentence[i] || fe.Node != tc.nodes[i] || fe.Kind != tc.spec.Kind {
					t.Errorf("fault error %d: %q (node %q, kind %q), want %q (node %q)", i, fe.Sentence(), fe.Node, fe.Kind, tc.sentence[i], tc.nodes[i])
				}
				if fe.Step == StepStart && (f.ops[0].F != history.FFaultError || !strings.Contains(f.ops[0].Err, fe.Err.Error())) {
					t.Errorf("the history's fault-error %+v does not keep the raw error %q", f.ops[0], fe.Err)
				}
			}
			if err != nil && len(fes) > 0 && !errors.Is(err, fes[0]) {
				t.Errorf("Run's error does not hold its fault errors")
			}
		})
	}
}
