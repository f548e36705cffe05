//go:build docker

package etcd

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

// testAuth turns authentication on in the cluster, checks that a target
// with the right credentials (a user whose role covers only the target's
// root) does everything and one with a wrong password fails without
// showing either password, and turns it off.
func testAuth(t *testing.T, eps []targets.Endpoint, raw *clientv3.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	password, wrong := "pw-"+targettest.RandomHex(6), "wrong-"+targettest.RandomHex(6)
	root := targettest.RandomRoot("/t-auth")
	if _, err := raw.UserAdd(ctx, "root", password); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.RoleAdd(ctx, "root"); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.UserGrantRole(ctx, "root", "root"); err != nil {
		t.Fatal(err)
	}
	// The harness's own user may touch only the keys under its root, as
	// on a shared staging cluster.
	if _, err := raw.UserAdd(ctx, "harness", password); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.RoleAdd(ctx, "harness"); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.RoleGrantPermission(ctx, "harness", root+"/", clientv3.GetPrefixRangeEnd(root+"/"),
		clientv3.PermissionType(clientv3.PermReadWrite)); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.UserGrantRole(ctx, "harness", "harness"); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.AuthEnable(ctx); err != nil {
		t.Fatal(err)
	}
	admin := &targets.Access{Username: "root", Password: password}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cli, err := newClient([]string{eps[0].Addr}, nil, admin)
		if err != nil {
			t.Errorf("disable auth: %v", err)
			return
		}
		defer cli.Close()
		if _, err := cli.AuthDisable(ctx); err != nil {
			t.Errorf("disable auth: %v", err)
		}
	})
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	noSecret := func(what, s string) {
		t.Helper()
		if strings.Contains(s, password) || strings.Contains(s, wrong) {
			t.Errorf("%s shows a password: %s", what, s)
		}
	}

	tgt := New(Options{Root: root, Access: targets.Access{Username: "harness", Password: password}})
	if err := tgt.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := tgt.Probe(ctx, eps[0]); err != nil {
		t.Fatalf("probe with the right password: %v", err)
	}
	c, tok := targettest.Lead(t, ctx, tgt, eps[1], targets.CandidateConfig{Process: "n2", TTL: 2 * time.Second, Log: log})
	obs, err := tgt.NewObserver(ctx, eps, log)
	if err != nil {
		t.Fatal(err)
	}
	defer obs.Close()
	seen := make(chan struct{}, 1)
	octx, stop := context.WithTimeout(ctx, 10*time.Second)
	go obs.Watch(octx, func(l string, got uint64) {
		if l == "n2" && got == tok {
			select {
			case seen <- struct{}{}:
			default:
			}
		}
	})
	select {
	case <-seen:
	case <-octx.Done():
		t.Error("the observer never saw the leader")
	}
	stop()
	r, err := tgt.NewRegister(ctx, eps[2], targets.RegisterConfig{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Write(ctx, "k", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if keys, err := tgt.Existing(ctx, eps, 0); err != nil || len(keys) < 3 {
		t.Fatalf("existing: %q %v", keys, err)
	}

	// Without credentials, the data is out of reach.
	anon, err := New(Options{Root: root}).NewCandidate(ctx, eps[0], targets.CandidateConfig{Process: "n1", TTL: 2 * time.Second})
	if err == nil {
		_, err = anon.Campaign(ctx)
		anon.Close()
	}
	if err == nil {
		t.Error("a campaign without credentials succeeded")
	}
	bad := New(Options{Root: root, Access: targets.Access{Username: "harness", Password: wrong}})
	err = bad.Probe(ctx, eps[0])
	if err == nil {
		t.Fatal("probe with a wrong password passed")
	}
	noSecret("the probe's error", err.Error())
	_, err = bad.NewCandidate(ctx, eps[0], targets.CandidateConfig{Process: "n1", TTL: 2 * time.Second, Log: log})
	if err == nil {
		t.Error("a candidate with a wrong password was made")
	} else {
		noSecret("the candidate's error", err.Error())
	}
	t.Logf("wrong password: %v", err)

	c.Close()
	if n := targettest.Clean(t, ctx, tgt, eps); n < 2 {
		t.Fatalf("clean: %d", n)
	}
	noSecret("the logs", logs.String())
}

// syncBuffer is a bytes.Buffer for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
