//go:build docker

package kubernetes

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/tuning"
)

type leaseObject = coordinationv1.Lease

// up starts 3 etcd members and an API server and connects a target.
func up(t *testing.T) (*Target, []targets.Endpoint) {
	tgt, _, eps := upCluster(t)
	return tgt, eps
}

func upCluster(t *testing.T) (*Target, *clustertest.Cluster, []targets.Endpoint) {
	t.Helper()
	tgt := New(Options{RenewDeadline: 2 * time.Second, RetryPeriod: 400 * time.Millisecond})
	c := clustertest.UpTuned(t, tgt, 3, tuning.Settings{})
	var servers []targets.Endpoint
	for _, s := range c.Compose().APIServers() {
		servers = append(servers, targets.Endpoint{Node: s.Name, Addr: s.ClientAddr})
	}
	creds := c.Compose().KubeCredentials()
	if err := tgt.Connect(servers, Credentials{CA: creds.CA, Token: creds.Token}); err != nil {
		t.Fatal(err)
	}
	return tgt, c, c.Endpoints
}

// The run's token reaches the API server's container and the harness's
// memory only: the run directory (compose.yaml, every container's log)
// never holds it, nor the service-account key.
func TestCredentialsStayOutOfTheRunDirectory(t *testing.T) {
	tgt, c, eps := upCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cand, err := tgt.NewCandidate(ctx, eps[0], targets.CandidateConfig{Process: "n1", TTL: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cand.Close()
	if _, err := cand.Campaign(ctx); err != nil { // the token in use: the API server accepted it
		t.Fatal(err)
	}
	if err := c.Compose().CollectLogs(ctx); err != nil {
		t.Fatal(err)
	}
	token := c.Compose().KubeCredentials().Token
	files := 0
	err = filepath.WalkDir(c.Dir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		if strings.Contains(string(b), token) || strings.Contains(string(b), "PRIVATE KEY") {
			t.Errorf("%s holds the token or a private key", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 5 { // compose.yaml, 3 members' logs, their agents', api1's
		t.Fatalf("only %d files in the run directory: nothing was looked at", files)
	}
	t.Logf("%d files, none with the token", files)
}

// Against a real kube-apiserver: each new holder's token (the
// resourceVersion of its acquiring write) is greater than the last, also
// when a process takes the Lease again; a fenced write through the API
// server is accepted from the holder's tenure and refused from a tenure
// that ended; the observer reports each holder with its token.
func TestLeaseTokensAndFence(t *testing.T) {
	tgt, eps := up(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cand := func(i int) targets.Candidate {
		c, err := tgt.NewCandidate(ctx, eps[i], targets.CandidateConfig{Process: eps[i].Node, TTL: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b := cand(0), cand(1)

	type seen struct {
		leader string
		token  uint64
	}
	views := make(chan seen, 100)
	obs, err := tgt.NewObserver(ctx, eps, nil)
	if err != nil {
		t.Fatal(err)
	}
	octx, ocancel := context.WithCancel(ctx)
	defer ocancel()
	go obs.Watch(octx, func(l string, tok uint64) { views <- seen{l, tok} })

	ta, err := a.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.FencedWrite(ctx, ta, []byte("a1")); err != nil {
		t.Fatalf("the holder's fenced write: %v", err)
	}
	won := make(chan uint64, 1)
	go func() {
		tb, err := b.Campaign(ctx)
		if err != nil {
			t.Error(err)
		}
		won <- tb
	}()
	time.Sleep(time.Second)
	if err := a.Resign(ctx); err != nil {
		t.Fatal(err)
	}
	tb := <-won
	if tb <= ta {
		t.Fatalf("n2's token %d after n1's %d: not greater", tb, ta)
	}
	// n1's tenure ended: its write is refused by the API server's view of
	// the Lease (it names n2), whatever n1's memory says.
	if err := a.FencedWrite(ctx, ta, []byte("stale")); !errors.Is(err, targets.ErrRejected) {
		t.Fatalf("a write from an ended tenure: %v, want rejected", err)
	}
	if err := b.FencedWrite(ctx, tb, []byte("b1")); err != nil {
		t.Fatalf("the new holder's fenced write: %v", err)
	}
	l, err := tgt.leasesForTest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Annotations[ResourceAnnotation]; got != "b1" {
		t.Fatalf("the Lease's resource is %q, want b1", got)
	}
	// n2 resigns and takes it again: a new tenure, a greater token.
	if err := b.Resign(ctx); err != nil {
		t.Fatal(err)
	}
	tb2, err := b.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tb2 <= tb {
		t.Fatalf("n2's second token %d after %d: not greater", tb2, tb)
	}
	if err := b.FencedWrite(ctx, tb, []byte("old tenure")); !errors.Is(err, targets.ErrRejected) {
		t.Fatalf("a write with the process's own earlier token: %v, want rejected", err)
	}
	t.Logf("tokens: n1 %d, n2 %d, n2 again %d", ta, tb, tb2)
	// The observer saw n1 with ta, then n2 with tb and tb2.
	want := []seen{{"n1", ta}, {"n2", tb}, {"n2", tb2}}
	deadline := time.After(10 * time.Second)
	for _, w := range want {
		for {
			var v seen
			select {
			case v = <-views:
			case <-deadline:
				t.Fatalf("the observer never reported %v", w)
			}
			if v == w {
				break
			}
		}
	}
}

func (t *Target) leasesForTest(ctx context.Context) (*leaseObject, error) {
	leases, err := t.leasesClient()
	if err != nil {
		return nil, err
	}
	return leases.Get(ctx, t.opts.Lease, metav1.GetOptions{})
}
