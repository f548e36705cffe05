package targettest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

// LeaseTarget is a backend target that keeps lease records under its
// key root.
type LeaseTarget interface {
	lease.Target
	targets.Namespaced
}

// LeaseBackend is what the lease.Store conformance test needs of a
// backend.
type LeaseBackend struct {
	// Endpoints of the running cluster, at least 3: the test opens one
	// store on each of the first three.
	Endpoints []targets.Endpoint
	// Target makes the stores; its root should hold nothing yet.
	Target LeaseTarget
	// Resource reads, with the backend's own client, the fenced resource
	// ("" when it was never written).
	Resource func(ctx context.Context) (string, error)
	// Epoch reads, with the backend's own client, the epoch as the
	// backend numbers it (ZooKeeper: the epoch znode's mzxid; Consul: the
	// epoch key's ModifyIndex). Nil: not checked.
	Epoch func(ctx context.Context) (uint64, error)
	// Left is what Existing lists under the root after the test, sorted.
	Left []string
}

// RunLeaseStore checks the lease.Store contract against a real cluster,
// with one store per node: Get of no record; a first Acquire, and a
// second one of no record refused; renewals (the same bytes again too)
// each making a new version, and at a stale version refused; fenced
// writes accepted with the current token, from any node, and rejected
// with an older one; takeovers at a stale version refused, and each
// accepted one moving the token up. It makes exactly three takeovers
// (Acquires), the last from the store on Endpoints[2]. Then a fresh
// store on each node reads the last holder's token, which is the one
// Epoch reads, and Existing lists b.Left under the root.
func RunLeaseStore(t *testing.T, b LeaseBackend) {
	t.Helper()
	ctx := context.Background()
	newStore := func(ep targets.Endpoint, process string) lease.Store {
		t.Helper()
		s, err := b.Target.NewLeaseStore(ctx, ep, lease.StoreConfig{Process: process})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	var st []lease.Store
	for _, ep := range b.Endpoints[:3] {
		st = append(st, newStore(ep, ep.Node))
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
		got, err := b.Resource(ctx)
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

	// The token is the epoch as the backend numbers it, and a store new
	// on any node reads it.
	if b.Epoch != nil {
		epoch, err := b.Epoch(ctx)
		fatalIf("read the epoch", err)
		if epoch != a3.Token {
			t.Errorf("token %#x, epoch %#x", a3.Token, epoch)
		}
	}
	for _, ep := range b.Endpoints[:3] {
		seen("a new store on "+ep.Node, newStore(ep, "check"), "n3 #1", a3.Version, a3.Token)
	}
	// Everything the stores wrote is under the root.
	left, err := b.Target.Existing(ctx, b.Endpoints, 0)
	fatalIf("existing", err)
	if !slices.Equal(left, b.Left) {
		t.Errorf("keys under the root: %q, want %q", left, b.Left)
	}
}

// LeaseKeys are the keys (znodes) of one lease store: its record, its
// epoch and its fenced resource.
type LeaseKeys struct{ Record, Epoch, Resource string }

// CheckLeaseStoreKeys checks, without a cluster, that the store the
// target newTarget makes of each options in want opens on a node nothing
// listens at and uses the keys want gives them, as keys reports them:
// the store's own keys, and the record and epoch keys the target names;
// that the record and epoch keys are under the target's root and, when
// valid is not nil, pass it; that the store refuses, without a request,
// a fenced write with token 0 and a renewal of no version (not as a
// conflict); and that it closes.
func CheckLeaseStoreKeys[O comparable, T LeaseTarget](t *testing.T, newTarget func(O) T,
	keys func(T, lease.Store) (store LeaseKeys, record, epoch string), valid func(key string) error, want map[O]LeaseKeys) {
	t.Helper()
	ctx := context.Background()
	for _, opts := range sorted(want) {
		tgt, w := newTarget(opts), want[opts]
		// Nothing listens at 127.0.0.1:1.
		st, err := tgt.NewLeaseStore(ctx, targets.Endpoint{Node: "n1", Addr: "127.0.0.1:1"}, lease.StoreConfig{Process: "n1"})
		if err != nil {
			t.Fatal(err)
		}
		s, record, epoch := keys(tgt, st)
		if s != w {
			t.Errorf("%+v: keys %q %q %q, want %q %q %q", opts, s.Record, s.Epoch, s.Resource, w.Record, w.Epoch, w.Resource)
		}
		if record != w.Record || epoch != w.Epoch {
			t.Errorf("%+v: the target's record key %q, epoch key %q", opts, record, epoch)
		}
		for _, k := range []string{s.Record, s.Epoch} {
			var err error
			if valid != nil {
				err = valid(k)
			}
			if !targets.Under(k, tgt.Root()) || err != nil {
				t.Errorf("%q: not a key under the root %q (%v)", k, tgt.Root(), err)
			}
		}
		if err := st.FencedWrite(ctx, 0, []byte("x")); !errors.Is(err, targets.ErrRejected) {
			t.Errorf("%+v: fenced write with token 0: %v", opts, err)
		}
		if _, err := st.Renew(ctx, []byte("x"), lease.Version{}); err == nil || errors.Is(err, lease.ErrConflict) {
			t.Errorf("%+v: renew of no version: %v", opts, err)
		}
		if err := st.Close(); err != nil {
			t.Errorf("%+v: close: %v", opts, err)
		}
	}
}
