package targettest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// Backend is what the conformance tests need of a backend beyond the
// targets interfaces: a target of its own for each test, and raw access
// to the backend's state.
type Backend struct {
	// Endpoints of the running cluster.
	Endpoints []targets.Endpoint
	// New returns a target whose election and resource are named after
	// scope, so that tests do not see each other's candidates.
	New func(scope string) targets.Target
	// Leader reads, with the backend's own client, who holds the election
	// of scope and with which token ("" when nobody does).
	Leader func(ctx context.Context, scope string) (process string, token uint64, err error)
	// EndLeadership ends the leadership of scope from outside, as the
	// backend would on expiry (revoke the lease, delete the znode, destroy
	// the session).
	EndLeadership func(ctx context.Context, scope string) error
	// Resource reads the value of scope's fenced resource.
	Resource func(ctx context.Context, scope string) (string, error)
	// TTL is the candidates' session TTL (0 = 2 s).
	TTL time.Duration
	// LostReasons are the reasons a candidate may give after EndLeadership.
	LostReasons []string
}

// Run runs every conformance test against b.
func Run(t *testing.T, b Backend) {
	ctx := context.Background()
	if b.TTL == 0 {
		b.TTL = 2 * time.Second
	}
	candidates := func(t *testing.T, tgt targets.Target) []targets.Candidate {
		var cs []targets.Candidate
		for _, ep := range b.Endpoints {
			c, err := tgt.NewCandidate(ctx, ep, targets.CandidateConfig{Process: ep.Node, TTL: b.TTL})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			cs = append(cs, c)
		}
		return cs
	}

	t.Run("probe", func(t *testing.T) {
		tgt := b.New("probe")
		if err := tgt.Probe(ctx, b.Endpoints[0]); err != nil {
			t.Fatal(err)
		}
		if err := tgt.Probe(ctx, targets.Endpoint{Node: "nx", Addr: "127.0.0.1:1"}); err == nil {
			t.Fatal("probe of a closed port succeeded")
		}
	})

	t.Run("exactly one node reports itself the consensus leader", func(t *testing.T) {
		lr, ok := b.New("leads").(targets.LeaderReporter)
		if !ok {
			t.Fatal("the target does not report its consensus leader (targets.LeaderReporter)")
		}
		var leaders []string
		for _, ep := range b.Endpoints {
			leads, err := lr.Leads(ctx, ep)
			if err != nil {
				t.Fatal(err)
			}
			if leads {
				leaders = append(leaders, ep.Node)
			}
		}
		if len(leaders) != 1 {
			t.Fatalf("nodes that say they lead: %v, want exactly one", leaders)
		}
		if _, err := lr.Leads(ctx, targets.Endpoint{Node: "nx", Addr: "127.0.0.1:1"}); err == nil {
			t.Fatal("Leads of a closed port returned no error")
		}
	})

	t.Run("token is the backend's record of the leader", func(t *testing.T) {
		tgt := b.New("rev")
		c := candidates(t, tgt)[1]
		tok, err := c.Campaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		who, raw, err := b.Leader(ctx, "rev")
		if err != nil || who != b.Endpoints[1].Node || raw != tok {
			t.Fatalf("backend says %q holds token %d (%v); the candidate got %d", who, raw, err, tok)
		}
	})

	t.Run("tokens increase over successive leaders", func(t *testing.T) {
		toks := successiveGrants(t, ctx, candidates(t, b.New("order")), 8)
		for i := 1; i < len(toks); i++ {
			if toks[i] <= toks[i-1] {
				t.Fatalf("tokens do not strictly increase: %v", toks)
			}
		}
		t.Logf("tokens %v", toks)
	})

	t.Run("lost when the backend ends the leadership", func(t *testing.T) {
		tgt := b.New("lost")
		c := candidates(t, tgt)[0]
		first, err := c.Campaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-c.Lost():
			t.Fatal("lost before anything happened")
		default:
		}
		start := time.Now()
		if err := b.EndLeadership(ctx, "lost"); err != nil {
			t.Fatal(err)
		}
		select {
		case <-c.Lost():
			t.Logf("lost after %v: %s", time.Since(start).Round(time.Millisecond), c.LostReason())
		case <-time.After(10 * time.Second):
			t.Fatal("Lost not closed 10s after the leadership ended")
		}
		if r := c.LostReason(); !slices.Contains(b.LostReasons, r) {
			t.Fatalf("reason %q, want one of %q", r, b.LostReasons)
		}
		// A new campaign works after the loss, with a newer token.
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		var tok uint64
		for {
			tok, err = c.Campaign(cctx)
			if !errors.Is(err, targets.ErrNotElected) {
				break
			}
		}
		if err != nil || tok <= first {
			t.Fatalf("campaign after loss: token %d after %d, %v", tok, first, err)
		}
	})

	t.Run("fenced write with a stale token is rejected", func(t *testing.T) {
		tgt := b.New("fence")
		cs := candidates(t, tgt)
		old, err := cs[0].Campaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := cs[0].FencedWrite(ctx, old, []byte("a")); err != nil {
			t.Fatalf("leader's write: %v", err)
		}
		if err := cs[0].Resign(ctx); err != nil {
			t.Fatal(err)
		}
		tok, err := cs[1].Campaign(ctx)
		if err != nil || tok <= old {
			t.Fatalf("second campaign: %d %v", tok, err)
		}
		if err := cs[0].FencedWrite(ctx, old, []byte("stale")); !errors.Is(err, targets.ErrRejected) {
			t.Fatalf("stale write by the old leader: %v", err)
		}
		if err := cs[1].FencedWrite(ctx, old, []byte("stale")); !errors.Is(err, targets.ErrRejected) {
			t.Fatalf("write of the old token by the new leader: %v", err)
		}
		if err := cs[1].FencedWrite(ctx, tok, []byte("b")); err != nil {
			t.Fatalf("new leader's write: %v", err)
		}
		if v, err := b.Resource(ctx, "fence"); err != nil || v != "b" {
			t.Fatalf("resource = %q, %v; want b", v, err)
		}
	})

	t.Run("observer follows the leader", func(t *testing.T) {
		tgt := b.New("obs")
		obs, err := tgt.NewObserver(ctx, b.Endpoints, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer obs.Close()
		var mu sync.Mutex
		var seen []string
		octx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- obs.Watch(octx, func(l string, tok uint64) {
				mu.Lock()
				defer mu.Unlock()
				seen = append(seen, fmt.Sprintf("%s@%d", l, tok))
			})
		}()
		waitSeen := func(want []string) {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for {
				mu.Lock()
				got := slices.Clone(seen)
				mu.Unlock()
				if slices.Equal(got, want) {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("observer saw %v, want %v", got, want)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		waitSeen([]string{"@0"})
		c := candidates(t, tgt)[2]
		tok, err := c.Campaign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Seen before the resignation: a backend with one-shot watches
		// (ZooKeeper) may miss a leadership shorter than a round trip.
		led := fmt.Sprintf("%s@%d", b.Endpoints[2].Node, tok)
		waitSeen([]string{"@0", led})
		if err := c.Resign(ctx); err != nil {
			t.Fatal(err)
		}
		waitSeen([]string{"@0", led, "@0"})
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// successiveGrants runs the candidates against each other until n grants
// were made, each leader resigning once its grant is counted; it returns
// the tokens in grant order.
func successiveGrants(t *testing.T, ctx context.Context, cs []targets.Candidate, n int) []uint64 {
	type grant struct {
		i   int
		tok uint64
	}
	grants := make(chan grant)
	resign := make([]chan struct{}, len(cs))
	var wg sync.WaitGroup
	cctx, cancel := context.WithCancel(ctx)
	for i, c := range cs {
		resign[i] = make(chan struct{})
		wg.Go(func() {
			for cctx.Err() == nil {
				tok, err := c.Campaign(cctx)
				if errors.Is(err, targets.ErrNotElected) {
					continue
				}
				if err != nil {
					return
				}
				select {
				case grants <- grant{i, tok}:
				case <-cctx.Done():
					return
				}
				select {
				case <-resign[i]:
				case <-cctx.Done():
					return
				}
				if err := c.Resign(cctx); err != nil && cctx.Err() == nil {
					t.Errorf("resign: %v", err)
				}
			}
		})
	}
	var toks []uint64
	for range n {
		select {
		case g := <-grants:
			toks = append(toks, g.tok)
			resign[g.i] <- struct{}{}
		case <-time.After(20 * time.Second):
			cancel()
			wg.Wait()
			t.Fatalf("no grant after %v", toks)
		}
	}
	cancel()
	wg.Wait()
	return toks
}
