//go:build docker

package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

// testDigest checks that with a Digest every znode the target creates
// carries only that identity's ACL, that every client of the target
// authenticates, and that a client without the credentials can neither
// write nor read them.
func testDigest(t *testing.T, eps []targets.Endpoint, raw *zk.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	password := "pw-" + targettest.RandomHex(6)
	root := targettest.RandomRoot("/t-digest")
	access := targets.Access{Digest: "harness:" + password}
	tgt := New(Options{Root: root, Access: access})
	if err := tgt.Validate(); err != nil {
		t.Fatal(err)
	}
	c, tok := targettest.Lead(t, ctx, tgt, eps[0], targets.CandidateConfig{Process: eps[0].Node, TTL: 4 * time.Second})
	r, err := tgt.NewRegister(ctx, eps[1], targets.RegisterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Write(ctx, "k", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if v, found, err := r.Read(ctx, "k"); err != nil || !found || string(v) != "1" {
		t.Fatalf("register read: %q %v %v", v, found, err)
	}
	watchLeader(t, ctx, tgt, eps, fmt.Sprintf("%s@%d", eps[0].Node, tok))

	// Every znode the target made has the digest ACL and nothing else.
	authed, err := connect(ctx, targets.Addrs(eps), 10*time.Second, nil, &access, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer authed.Close()
	var made []string
	if err := allZnodes(authed, root, &made); err != nil {
		t.Fatal(err)
	}
	made = append(made, root)
	want := zk.DigestACL(zk.PermAll, "harness", password)
	for _, p := range made {
		acl, _, err := authed.GetACL(p)
		if err != nil || !slices.Equal(acl, want) {
			t.Errorf("ACL of %s: %v %v, want %v", p, acl, err, want)
		}
	}
	if len(made) < 6 { // root, election, its znode, resource, register, register/k
		t.Errorf("znodes made: %q", made)
	}

	// Without the credentials: no write, no read, no listing.
	if _, err := raw.Set(root+"/resource", []byte("intruder"), -1); !errors.Is(err, zk.ErrNoAuth) {
		t.Errorf("setData on the resource without auth: %v, want %v", err, zk.ErrNoAuth)
	}
	if _, _, err := raw.Get(root + "/register/k"); !errors.Is(err, zk.ErrNoAuth) {
		t.Errorf("read of a register znode without auth: %v, want %v", err, zk.ErrNoAuth)
	}
	if _, err := raw.Create(root+"/election/intruder", nil, 0, zk.WorldACL(zk.PermAll)); !errors.Is(err, zk.ErrNoAuth) {
		t.Errorf("create under the election without auth: %v, want %v", err, zk.ErrNoAuth)
	}
	if _, err := New(Options{Root: root}).Existing(ctx, eps, 0); !errors.Is(err, zk.ErrNoAuth) {
		t.Errorf("Existing without auth: %v, want %v", err, zk.ErrNoAuth)
	}
	if v, err := authed.Sync(root + "/resource"); err != nil {
		t.Fatal(v, err)
	}
	if data, _, err := authed.Get(root + "/resource"); err != nil || string(data) != "v" {
		t.Errorf("resource: %q %v", data, err)
	}

	c.Close()
	r.Close()
	if n := targettest.Clean(t, ctx, tgt, eps); n < 5 {
		t.Fatalf("clean: %d", n)
	}
}

// watchLeader waits until an observer of tgt reports want ("node@token").
func watchLeader(t *testing.T, ctx context.Context, tgt *Target, eps []targets.Endpoint, want string) {
	t.Helper()
	obs, err := tgt.NewObserver(ctx, eps, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer obs.Close()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	seen := make(chan string, 16)
	go obs.Watch(wctx, func(l string, tok uint64) {
		select {
		case seen <- fmt.Sprintf("%s@%d", l, tok):
		default:
		}
	})
	for {
		select {
		case s := <-seen:
			if s == want {
				return
			}
		case <-wctx.Done():
			t.Fatalf("the observer never reported %s", want)
		}
	}
}
