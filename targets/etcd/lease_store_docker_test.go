//go:build docker

package etcd

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

func TestLeaseStore(t *testing.T) {
	eps := clustertest.Up(t, New(Options{}), 3)
	raw, err := newClient(targets.Addrs(eps), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tgt := New(Options{Root: "/t-lease"})
	runLeaseStore(t, tgt, eps, func(ctx context.Context) (string, error) {
		resp, err := raw.Get(ctx, tgt.ResourceKey())
		if err != nil || len(resp.Kvs) == 0 {
			return "", err
		}
		return string(resp.Kvs[0].Value), nil
	})
	// Everything the stores wrote is under the root.
	left, err := tgt.Existing(context.Background(), eps, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{tgt.LeaseEpochKey(), tgt.LeaseRecordKey(), tgt.ResourceKey()}
	if !slices.Equal(left, want) {
		t.Errorf("keys under the root: %q, want %q", left, want)
	}
}

// runLeaseStore checks the lease.Store contract with one store per node
// of eps (at least 3); resource reads the fenced resource.
func runLeaseStore(t *testing.T, tgt lease.Target, eps []targets.Endpoint, resource func(context.Context) (string, error)) {
	ctx := context.Background()
	var st []lease.Store
	for _, ep := range eps[:3] {
		s, err := tgt.NewLeaseStore(ctx, ep, lease.StoreConfig{Process: ep.Node})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		st = append(st, s)
	}
	s1, s2, s3 := st[0], st[1], st[2]
	fatalIf := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// seen checks that s reads data at version v with token tok.
	seen := func(who string, s lease.Store, data string, v lease.Version, tok uint64) {
		t.Helper()
		snap, err := s.Get(ctx)
		fatalIf(who+" get", err)
		if string(snap.Data) != data || snap.Version != v || snap.Token != tok {
			t.Fatalf("%s reads %q at version %d, token %d; want %q at %d, token %d",
				who, snap.Data, snap.Version.N, snap.Token, data, v.N, tok)
		}
	}
	resourceIs := func(want string) {
		t.Helper()
		got, err := resource(ctx)
		fatalIf("read the resource", err)
		if got != want {
			t.Fatalf("resource %q, want %q", got, want)
		}
	}
	conflict := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, lease.ErrConflict) {
			t.Fatalf("%s: %v, want ErrConflict", what, err)
		}
	}
	rejected := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, targets.ErrRejected) {
			t.Fatalf("%s: %v, want ErrRejected", what, err)
		}
	}

	if _, err := s1.Get(ctx); !errors.Is(err, lease.ErrNotFound) {
		t.Fatalf("get of no record: %v, want ErrNotFound", err)
	}
	a1, err := s1.Acquire(ctx, []byte("n1 #1"), lease.Version{})
	fatalIf("first acquire", err)
	if a1.Version.IsZero() || a1.Token == 0 || !bytes.Equal(a1.Data, []byte("n1 #1")) {
		t.Fatalf("first acquire: %+v", a1)
	}
	_, err = s2.Acquire(ctx, []byte("n2 #1"), lease.Version{})
	conflict("second acquire of no record", err)
	seen("n2", s2, "n1 #1", a1.Version, a1.Token)

	v2, err := s1.Renew(ctx, []byte("n1 #2"), a1.Version)
	fatalIf("renew", err)
	// The same bytes again still make a new version.
	v3, err := s1.Renew(ctx, []byte("n1 #2"), v2)
	fatalIf("renew with the same data", err)
	if v2 == a1.Version || v3 == v2 || v3.IsZero() {
		t.Fatalf("versions after renewals: %d, %d, %d", a1.Version.N, v2.N, v3.N)
	}
	_, err = s1.Renew(ctx, []byte("n1 stale"), v2)
	conflict("renew at a stale version", err)
	_, err = s2.Renew(ctx, []byte("n2 stale"), a1.Version)
	conflict("renew at the first version", err)
	seen("n3 after renewals", s3, "n1 #2", v3, a1.Token)

	fatalIf("fenced write with the current token", s1.FencedWrite(ctx, a1.Token, []byte("w1")))
	resourceIs("w1")

	_, err = s2.Acquire(ctx, []byte("n2 #1"), v2)
	conflict("takeover at a stale version", err)
	a2, err := s2.Acquire(ctx, []byte("n2 #1"), v3)
	fatalIf("takeover", err)
	if a2.Token <= a1.Token || a2.Version == v3 {
		t.Fatalf("takeover: token %d after %d, version %d after %d", a2.Token, a1.Token, a2.Version.N, v3.N)
	}
	seen("n1 after the takeover", s1, "n2 #1", a2.Version, a2.Token)
	rejected("fenced write with the old token", s1.FencedWrite(ctx, a1.Token, []byte("w-stale")))
	rejected("fenced write with the old token from another node", s3.FencedWrite(ctx, a1.Token, []byte("w-stale")))
	resourceIs("w1")
	fatalIf("fenced write of the new holder", s2.FencedWrite(ctx, a2.Token, []byte("w2")))
	resourceIs("w2")
	// The token, not the store, is what the fence checks.
	fatalIf("fenced write with the current token from another node", s3.FencedWrite(ctx, a2.Token, []byte("w3")))
	resourceIs("w3")

	v4, err := s2.Renew(ctx, []byte("n2 #2"), a2.Version)
	fatalIf("renew of the new holder", err)
	seen("n3 after the renewal", s3, "n2 #2", v4, a2.Token)
	fatalIf("fenced write after the renewal", s2.FencedWrite(ctx, a2.Token, []byte("w4")))

	a3, err := s3.Acquire(ctx, []byte("n3 #1"), v4)
	fatalIf("second takeover", err)
	if a3.Token <= a2.Token {
		t.Fatalf("second takeover: token %d after %d", a3.Token, a2.Token)
	}
	rejected("fenced write of the holder taken over", s2.FencedWrite(ctx, a2.Token, []byte("w-stale")))
	rejected("fenced write with the first token", s1.FencedWrite(ctx, a1.Token, []byte("w-stale")))
	resourceIs("w4")
	seen("n1 at the end", s1, "n3 #1", a3.Version, a3.Token)
}
