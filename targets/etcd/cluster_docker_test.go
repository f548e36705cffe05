//go:build docker

package etcd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/chaos-election/chaos/compose"
	"github.com/chaos-election/chaos/targets"
)

// upCluster brings up a 3-node etcd cluster for the test and removes it
// in t.Cleanup. It fails (never skips) when Docker is unreachable.
func upCluster(t *testing.T) []targets.Endpoint {
	t.Helper()
	ctx := context.Background()
	dc, err := compose.NewDocker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dc.Close() })
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	tgt := New(Options{})
	start := time.Now()
	c, err := compose.Up(ctx, dc, compose.Spec{Nodes: 3, RunID: "t" + hex.EncodeToString(b), Dir: t.TempDir(),
		Healthy: func(ctx context.Context, n compose.Node) error {
			return tgt.Probe(ctx, targets.Endpoint{Node: n.Name, Addr: n.ClientAddr})
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cluster healthy in %v", time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Down(ctx); err != nil {
			t.Errorf("down: %v", err)
		}
	})
	var eps []targets.Endpoint
	for _, n := range c.Nodes() {
		eps = append(eps, targets.Endpoint{Node: n.Name, Addr: n.ClientAddr})
	}
	return eps
}
