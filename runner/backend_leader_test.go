package runner

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// fakeLeads says which nodes claim to lead; n9 is unreachable.
type fakeLeads struct {
	mu     sync.Mutex
	claims map[string]bool
}

func (f *fakeLeads) set(nodes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.claims = map[string]bool{}
	for _, n := range nodes {
		f.claims[n] = true
	}
}

func (f *fakeLeads) Leads(_ context.Context, ep targets.Endpoint) (bool, error) {
	if ep.Node == "n9" {
		return false, errors.New("unreachable")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.claims[ep.Node], nil
}

func TestBackendLeader(t *testing.T) {
	f := &fakeLeads{}
	f.set("n2")
	eps := []targets.Endpoint{{Node: "n1"}, {Node: "n2"}, {Node: "n3"}, {Node: "n9"}}
	b := watchBackendLeader(context.Background(), f, eps, slog.New(slog.DiscardHandler))
	defer b.Stop()
	waitLeader := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			got, ok := b.Leader()
			if got == want && ok == (want != "") {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("leader %q (%v), want %q", got, ok, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitLeader("n2")
	// An isolated old leader still claiming it, beside the new one: the
	// one known before stays.
	f.set("n3", "n2")
	time.Sleep(3 * backendLeaderEvery)
	waitLeader("n2")
	f.set("n3")
	waitLeader("n3")
	f.set()
	waitLeader("")
}

// Without the election workload, client-pause has nothing to freeze and
// Leader comes from the backend.
func TestClientsWithoutElection(t *testing.T) {
	f := &fakeLeads{}
	f.set("n1")
	c := &clients{leader: watchBackendLeader(context.Background(), f, []targets.Endpoint{{Node: "n1"}}, slog.New(slog.DiscardHandler))}
	defer c.Stop(context.Background())
	if _, err := c.Freeze(context.Background(), "n1", time.Second); err == nil {
		t.Fatal("Freeze without an election workload succeeded")
	}
	deadline := time.Now().Add(5 * time.Second)
	for l, _ := c.Leader(); l != "n1"; l, _ = c.Leader() {
		if time.Now().After(deadline) {
			t.Fatalf("leader %q", l)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
