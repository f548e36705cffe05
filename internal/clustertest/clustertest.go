// Package clustertest brings up a real backend cluster in Docker for a
// test, the way `chaos run` does, and removes it when the test ends. It is
// for Docker-tagged tests: it fails, never skips, when Docker is
// unreachable.
package clustertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chaos-election/chaos/compose"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/tuning"
)

// Up starts a cluster of nodes for tgt, waits until every node passes the
// target's probe, and returns the endpoints; t.Cleanup tears it down.
func Up(t testing.TB, tgt targets.Target, nodes int) []targets.Endpoint {
	t.Helper()
	return UpTuned(t, tgt, nodes, tuning.Settings{}).Endpoints
}

// Cluster is a cluster of [UpTuned].
type Cluster struct {
	// Endpoints are the nodes' client endpoints, n1 first.
	Endpoints []targets.Endpoint
	c         *compose.Cluster
	dir       string
}

// UpTuned is [Up] with the servers' own settings (compose.Spec.Tuning).
func UpTuned(t testing.TB, tgt targets.Target, nodes int, settings tuning.Settings) *Cluster {
	t.Helper()
	ctx := context.Background()
	dc, err := compose.NewDocker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dc.Close() })
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	runID := "t" + hex.EncodeToString(b)
	dir := t.TempDir()
	start := time.Now()
	c, err := compose.Up(ctx, dc, compose.Spec{Target: tgt.Name(), Nodes: nodes, RunID: runID, Dir: dir, Tuning: settings,
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
		// Nothing may outlive a run: prove it here, where a leak starts.
		left, err := compose.Leftovers(ctx, dc, runID)
		if err != nil {
			t.Errorf("after down: %v", err)
		}
		for _, l := range left {
			t.Errorf("left behind after down: %v", l)
		}
	})
	out := &Cluster{c: c, dir: dir}
	for _, n := range c.Nodes() {
		out.Endpoints = append(out.Endpoints, targets.Endpoint{Node: n.Name, Addr: n.ClientAddr})
	}
	return out
}

// Log is node's container log so far, stdout and stderr interleaved.
func (c *Cluster) Log(ctx context.Context, node string) (string, error) {
	if err := c.c.CollectLogs(ctx); err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(c.dir, compose.LogsDir, node+".log"))
	if err != nil {
		return "", fmt.Errorf("log of %s: %w", node, err)
	}
	return string(b), nil
}

// Compose is the cluster as compose started it (its API servers and
// credentials, for target kubernetes).
func (c *Cluster) Compose() *compose.Cluster { return c.c }

// Dir is the cluster's run directory (compose.yaml, logs/).
func (c *Cluster) Dir() string { return c.dir }
