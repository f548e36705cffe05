package nemesis

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/linkproxy"
)

// fakeLinks records the link faults set per node.
type fakeLinks struct {
	mu    sync.Mutex
	calls []string
}

func (l *fakeLinks) SetLink(node string, f linkproxy.Faults) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, fmt.Sprintf("%s cut=%v delay=%s jitter=%s loss=%g", node, f.Cut, f.Delay, f.Jitter, f.Loss))
	return nil
}

// Each link fault sets its faults on the victims' links when it starts,
// records its settings, and clears them when it heals. "leader" is the
// leading candidate's link (n2), also where the servers have a leader of
// their own (n3: target kubernetes's etcd).
func TestLinkFaults(t *testing.T) {
	for _, tc := range []struct {
		spec      FaultSpec
		set, rec  string
		wantNodes int
	}{
		{FaultSpec{Kind: "client-partition", Victim: "leader", Duration: time.Hour}, "n2 cut=true delay=0s jitter=0s loss=0", `"fault":"client-partition"`, 1},
		{FaultSpec{Kind: "client-delay", Victim: "n3", Duration: time.Hour, Delay: 150 * time.Millisecond, Jitter: 20 * time.Millisecond},
			"n3 cut=false delay=150ms jitter=20ms loss=0", `"delay":"150ms","fault":"client-delay","jitter":"20ms"`, 1},
		{FaultSpec{Kind: "client-loss", Victim: "majority", Duration: time.Hour, Loss: 0.3}, "cut=false delay=0s jitter=0s loss=0.3", `"loss":0.3`, 2},
	} {
		t.Run(tc.spec.Kind, func(t *testing.T) {
			f, links := newFake(3), &fakeLinks{}
			env := f.env()
			env.Links, env.Servers = links, serverLeader("n3")
			n, err := New(Spec{Faults: []FaultSpec{tc.spec}}, env, rng(7))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- n.Run(ctx) }()
			for len(n.Active()) == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if len(links.calls) != 2*tc.wantNodes {
				t.Fatalf("calls %v", links.calls)
			}
			for _, c := range links.calls[:tc.wantNodes] {
				if !strings.Contains(c, tc.set) {
					t.Errorf("start set %q, want %q", c, tc.set)
				}
			}
			for _, c := range links.calls[tc.wantNodes:] {
				if !strings.HasSuffix(c, "cut=false delay=0s jitter=0s loss=0") {
					t.Errorf("heal set %q, want no faults", c)
				}
			}
			start := f.ops[0]
			var v struct{ Nodes []string }
			json.Unmarshal(start.Value, &v)
			if start.F != history.FFaultStart || !strings.Contains(string(start.Value), tc.rec) || len(v.Nodes) != tc.wantNodes {
				t.Errorf("recorded %s", start.Value)
			}
			if slices.ContainsFunc(f.calls, func(c string) bool { return !strings.HasPrefix(c, "freeze") && c != "" }) {
				t.Errorf("a link fault touched the nodes: %v", f.calls)
			}
		})
	}
}

// Without proxies a link fault fails to start, says why, and is healed.
func TestLinkFaultWithoutLinks(t *testing.T) {
	f := newFake(3)
	n, _ := New(Spec{Faults: []FaultSpec{{Kind: "client-partition", Victim: "leader", Duration: time.Hour}}}, f.env(), rng(1))
	ctx, cancel := context.WithCancel(context.Background())
	go f.cancelAfter(2, cancel)
	err := n.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "no client-side proxies") || f.ops[0].F != history.FFaultError {
		t.Fatalf("err %v ops %+v", err, f.ops)
	}
}

func TestValidateLinkFaults(t *testing.T) {
	for _, tc := range []struct {
		f     FaultSpec
		field string
	}{
		{FaultSpec{Kind: "client-delay", Victim: "leader", Duration: time.Second, Delay: time.Millisecond}, ""},
		{FaultSpec{Kind: "client-delay", Victim: "leader", Duration: time.Second}, "delay"},
		{FaultSpec{Kind: "client-delay", Victim: "leader", Duration: time.Second, Delay: time.Second, Jitter: -1}, "jitter"},
		{FaultSpec{Kind: "client-loss", Victim: "leader", Duration: time.Second, Loss: 0}, "loss"},
		{FaultSpec{Kind: "client-loss", Victim: "leader", Duration: time.Second, Loss: 1}, ""},
		{FaultSpec{Kind: "client-partition", Victim: "minority", Duration: time.Second, Loss: 0.5}, "loss"},
		{FaultSpec{Kind: "client-partition", Shape: "halves", Duration: time.Second}, "shape"},
		{FaultSpec{Kind: "kill", Victim: "leader", Duration: time.Second, Jitter: time.Second}, "jitter"},
	} {
		field, err := ValidateFault(tc.f, 3)
		if field != tc.field || (tc.field == "") != (err == nil) {
			t.Errorf("%+v: field %q err %v, want field %q", tc.f, field, err, tc.field)
		}
	}
}
