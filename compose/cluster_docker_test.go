//go:build docker

package compose

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// testLog sends the package's logs to the test log.
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func testRunID(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), time.Now().UnixNano()%1_000_000)
}

// etcdClient is a client that talks to addr only.
func etcdClient(addr string) (*clientv3.Client, error) {
	return clientv3.New(clientv3.Config{
		Endpoints: []string{addr}, DialTimeout: 2 * time.Second, Logger: zap.NewNop(),
	})
}

// etcdHealthy is the Healthy probe: the member answers Status and knows a leader.
func etcdHealthy(ctx context.Context, n Node) error {
	cli, err := etcdClient(n.ClientAddr)
	if err != nil {
		return err
	}
	defer cli.Close()
	st, err := cli.Status(ctx, n.ClientAddr)
	if err != nil {
		return err
	}
	if st.Leader == 0 {
		return errors.New("no leader")
	}
	return nil
}

func etcdPut(ctx context.Context, n Node, key, val string, timeout time.Duration) error {
	cli, err := etcdClient(n.ClientAddr)
	if err != nil {
		return err
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err = cli.Put(ctx, key, val)
	return err
}

func etcdGet(ctx context.Context, n Node, key string) (string, error) {
	cli, err := etcdClient(n.ClientAddr)
	if err != nil {
		return "", err
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, key)
	if err != nil {
		return "", err
	}
	if len(resp.Kvs) == 0 {
		return "", fmt.Errorf("key %s not found", key)
	}
	return string(resp.Kvs[0].Value), nil
}

// eventually polls f until it returns nil or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, f func() error) time.Duration {
	t.Helper()
	start := time.Now()
	var err error
	for time.Since(start) < timeout {
		if err = f(); err == nil {
			return time.Since(start)
		}
		time.Sleep(100 * time.Millisecond) // polling interval, not a wait for an effect
	}
	t.Fatalf("%s: not within %v: %v", what, timeout, err)
	return 0
}

func upTestCluster(t *testing.T, nodes int) *Cluster {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	c, err := Up(ctx, testDocker, Spec{
		Nodes: nodes, RunID: testRunID("ct"), Dir: t.TempDir(), Healthy: etcdHealthy, Log: testLog(t),
	})
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	figures[fmt.Sprintf("up %d nodes to healthy", nodes)] = time.Since(start)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := c.Down(ctx); err != nil {
			t.Errorf("Down: %v", err)
		}
	})
	return c
}

// netctlOut runs a netctl command in n's namespace.
func netctlOut(t *testing.T, c *Cluster, node string, args ...string) (string, error) {
	t.Helper()
	n, err := c.node(node)
	if err != nil {
		t.Fatal(err)
	}
	return c.runNetctl(context.Background(), n, append([]string{"netctl"}, args...)...)
}

func peer(c *Cluster, node string) string {
	n, _ := c.node(node)
	return net.JoinHostPort(n.IP, "2380")
}

func mustNode(t *testing.T, c *Cluster, name string) Node {
	t.Helper()
	n, err := c.node(name)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// runLeftovers lists what is left with the run's label.
func runLeftovers(t *testing.T, runID string) []Leftover {
	t.Helper()
	left, err := Leftovers(context.Background(), testDocker, runID)
	if err != nil {
		t.Fatal(err)
	}
	return left
}

func TestClusterDocker(t *testing.T) {
	ctx := context.Background()
	c := upTestCluster(t, 3)
	n1, n2, n3 := mustNode(t, c, "n1"), mustNode(t, c, "n2"), mustNode(t, c, "n3")
	t.Logf("cluster %s on %s with %s: %v", c.spec.RunID, c.Subnet(), c.Image(), c.Nodes())

	t.Run("compose file and addresses", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(c.spec.Dir, ComposeFile))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "ipv4_address: "+n3.IP) || !strings.Contains(string(b), "subnet: "+c.Subnet().String()) {
			t.Errorf("compose.yaml does not describe the cluster:\n%s", b)
		}
		for _, n := range c.Nodes() {
			res, err := testDocker.ContainerInspect(ctx, n.ContainerID, client.ContainerInspectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Container.NetworkSettings.Networks[c.netName].IPAddress.String(); got != n.IP {
				t.Errorf("%s has address %s, want %s", n.Name, got, n.IP)
			}
		}
	})

	t.Run("cut halves", func(t *testing.T) {
		start := time.Now()
		if err := c.Cut(ctx, map[string][]string{"n1": {"n3"}, "n2": {"n3"}, "n3": {"n1", "n2"}}); err != nil {
			t.Fatal(err)
		}
		figures["cut in effect (3 nodes)"] = time.Since(start)
		if out, err := netctlOut(t, c, "n1", "dial", "--timeout", "1s", peer(c, "n3")); err == nil {
			t.Errorf("n1 still reaches n3's peer port: %s", out)
		}
		if out, err := netctlOut(t, c, "n1", "dial", "--timeout", "1s", peer(c, "n2")); err != nil {
			t.Errorf("n1 no longer reaches n2's peer port (same side): %v %s", err, out)
		}
		// The harness reaches every node, the isolated one included.
		for _, n := range c.Nodes() {
			conn, err := net.DialTimeout("tcp", n.ClientAddr, time.Second)
			if err != nil {
				t.Errorf("harness cannot reach %s: %v", n.Name, err)
				continue
			}
			conn.Close()
		}
		eventually(t, 20*time.Second, "put through the majority (n1)", func() error {
			return etcdPut(ctx, n1, "cut", "majority", 2*time.Second)
		})
		if err := etcdPut(ctx, n3, "cut", "minority", 2*time.Second); err == nil {
			t.Error("put through the isolated minority (n3) succeeded")
		}
		out, err := netctlOut(t, c, "n3", "show")
		if err != nil || !strings.Contains(out, n1.IP+","+n2.IP) {
			t.Errorf("n3 rules: %v %s", err, out)
		}
	})

	t.Run("mend", func(t *testing.T) {
		start := time.Now()
		if err := c.Mend(ctx); err != nil {
			t.Fatal(err)
		}
		figures["mend in effect (3 nodes)"] = time.Since(start)
		start = time.Now()
		if err := c.Mend(ctx); err != nil {
			t.Fatalf("second Mend: %v", err)
		}
		figures["mend when nothing is cut"] = time.Since(start)
		if out, err := netctlOut(t, c, "n1", "dial", "--timeout", "1s", peer(c, "n3")); err != nil {
			t.Errorf("after Mend n1 does not reach n3: %v %s", err, out)
		}
		d := eventually(t, 20*time.Second, "put through n3 after Mend", func() error {
			return etcdPut(ctx, n3, "cut", "healed", 2*time.Second)
		})
		t.Logf("n3 accepted writes %v after Mend", d)
		for _, n := range c.Names() {
			if out, err := netctlOut(t, c, n, "show"); err != nil || !strings.Contains(out, "dropping from: none") {
				t.Errorf("%s after Mend: %v %s", n, err, out)
			}
		}
	})

	t.Run("pause and unpause", func(t *testing.T) {
		start := time.Now()
		if err := c.Pause(ctx, "n2"); err != nil {
			t.Fatal(err)
		}
		figures["pause"] = time.Since(start)
		if err := c.Pause(ctx, "n2"); err != nil {
			t.Fatalf("second Pause: %v", err)
		}
		pctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
		err := etcdHealthy(pctx, n2)
		cancel()
		if err == nil {
			t.Error("a paused n2 answered Status")
		}
		start = time.Now()
		if err := c.Unpause(ctx, "n2"); err != nil {
			t.Fatal(err)
		}
		figures["unpause"] = time.Since(start)
		if err := c.Unpause(ctx, "n2"); err != nil {
			t.Fatalf("second Unpause: %v", err)
		}
		eventually(t, 10*time.Second, "n2 answers after Unpause", func() error { return etcdHealthy(ctx, n2) })
	})

	t.Run("kill and start keep data", func(t *testing.T) {
		eventually(t, 10*time.Second, "write before the kill", func() error {
			return etcdPut(ctx, n1, "durable", "v1", 2*time.Second)
		})
		// Kill every node: the key can only come back from the nodes' own data.
		for _, n := range c.Names() {
			start := time.Now()
			if err := c.Kill(ctx, n); err != nil {
				t.Fatal(err)
			}
			figures["kill (SIGKILL to exited)"] = time.Since(start)
		}
		if err := c.Kill(ctx, "n1"); err != nil {
			t.Fatalf("second Kill: %v", err)
		}
		if conn, err := net.DialTimeout("tcp", n1.ClientAddr, time.Second); err == nil {
			conn.Close()
			t.Error("a killed n1 accepts connections")
		}
		start := time.Now()
		for _, n := range c.Names() {
			s := time.Now()
			if err := c.Start(ctx, n); err != nil {
				t.Fatal(err)
			}
			figures["start (container running)"] = time.Since(s)
		}
		if err := c.Start(ctx, "n1"); err != nil {
			t.Fatalf("second Start: %v", err)
		}
		for _, n := range c.Nodes() {
			if got := mustNode(t, c, n.Name); got.IP != n.IP {
				t.Errorf("%s restarted with address %s, want %s", n.Name, got.IP, n.IP)
			}
			eventually(t, 30*time.Second, n.Name+" healthy after Start", func() error { return etcdHealthy(ctx, n) })
		}
		figures["restart all 3 to healthy"] = time.Since(start)
		v, err := etcdGet(ctx, n3, "durable")
		if err != nil || v != "v1" {
			t.Fatalf("after kill+start of every node: durable = %q, %v; want v1", v, err)
		}
	})

	t.Run("rules follow restarts and pauses", func(t *testing.T) {
		isolate3 := map[string][]string{"n1": {"n3"}, "n2": {"n3"}, "n3": {"n1", "n2"}}
		// A node restarted during a cut comes back cut.
		if err := c.Cut(ctx, isolate3); err != nil {
			t.Fatal(err)
		}
		if err := c.Kill(ctx, "n3"); err != nil {
			t.Fatal(err)
		}
		if err := c.Start(ctx, "n3"); err != nil {
			t.Fatal(err)
		}
		if out, err := netctlOut(t, c, "n3", "show"); err != nil || !strings.Contains(out, n1.IP+","+n2.IP) {
			t.Errorf("n3 restarted during the cut lacks its rules: %v %s", err, out)
		}
		// Mend reaches a paused node; it is not cut when thawed.
		if err := c.Pause(ctx, "n3"); err != nil {
			t.Fatal(err)
		}
		if err := c.Mend(ctx); err != nil {
			t.Fatalf("Mend with n3 paused: %v", err)
		}
		if err := c.Unpause(ctx, "n3"); err != nil {
			t.Fatal(err)
		}
		if out, err := netctlOut(t, c, "n3", "show"); err != nil || !strings.Contains(out, "dropping from: none") {
			t.Errorf("n3 paused during Mend came back with rules: %v %s", err, out)
		}
		// Mend skips a killed node; it comes back uncut.
		if err := c.Cut(ctx, isolate3); err != nil {
			t.Fatal(err)
		}
		if err := c.Kill(ctx, "n3"); err != nil {
			t.Fatal(err)
		}
		if err := c.Mend(ctx); err != nil {
			t.Fatalf("Mend with n3 killed: %v", err)
		}
		if err := c.Start(ctx, "n3"); err != nil {
			t.Fatal(err)
		}
		if out, err := netctlOut(t, c, "n3", "show"); err != nil || !strings.Contains(out, "dropping from: none") {
			t.Errorf("n3 killed during Mend came back with rules: %v %s", err, out)
		}
		eventually(t, 30*time.Second, "put through n3 after it rejoined", func() error {
			return etcdPut(ctx, n3, "rejoined", "yes", 2*time.Second)
		})
	})

	t.Run("collect logs", func(t *testing.T) {
		if err := c.CollectLogs(ctx); err != nil {
			t.Fatal(err)
		}
		for _, n := range c.Names() {
			b, err := os.ReadFile(filepath.Join(c.spec.Dir, LogsDir, n+".log"))
			if err != nil {
				t.Fatal(err)
			}
			if len(b) == 0 || !strings.Contains(string(b), `"name":"`+n+`"`) && !strings.Contains(string(b), n) {
				t.Errorf("%s.log is empty or not etcd's log (%d bytes)", n, len(b))
			}
		}
	})

	t.Run("down", func(t *testing.T) {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		start := time.Now()
		if err := c.Down(dctx); err != nil {
			t.Fatal(err)
		}
		figures["down (3 nodes)"] = time.Since(start)
		if left := runLeftovers(t, c.spec.RunID); len(left) > 0 {
			t.Errorf("after Down: %v", left)
		}
		if err := c.Down(dctx); err != nil {
			t.Errorf("second Down: %v", err)
		}
	})
}

func TestUpRemovesWhatItCreatedWhenUnhealthy(t *testing.T) {
	runID := testRunID("cbad")
	start := time.Now()
	_, err := Up(context.Background(), testDocker, Spec{
		Nodes: 1, RunID: runID, Dir: t.TempDir(), HealthTimeout: 2 * time.Second, Log: testLog(t),
		Healthy: func(ctx context.Context, n Node) error { return errors.New("probe says no") },
	})
	if err == nil {
		t.Fatal("Up with a failing probe succeeded")
	}
	t.Logf("Up failed after %v: %v", time.Since(start).Round(time.Millisecond), err)
	for _, want := range []string{"n1", "probe says no", "log lines"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q", want)
		}
	}
	if left := runLeftovers(t, runID); len(left) > 0 {
		t.Errorf("Up left behind: %v", left)
	}
}

// DownAll removes everything labelled io.chaos.project=chaos. Other test
// suites may run clusters on this engine at the same time, so this test
// calls DownAll's body with the project filter narrowed to its own run;
// the plain tests check that DownAll uses the project filter.
func TestDownAllRemovesEverythingLabelled(t *testing.T) {
	ctx := context.Background()
	c := upTestCluster(t, 1)
	// A sidecar left behind by a crash, to be found by label too.
	n := mustNode(t, c, "n1")
	_, err := testDocker.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{
			Image: NetctlImage, Labels: map[string]string{LabelProject: ProjectValue, LabelRun: c.spec.RunID, LabelRole: roleNetctl},
		},
		HostConfig: &container.HostConfig{NetworkMode: container.NetworkMode("container:" + n.ContainerID)},
		Name:       prefix(c.spec.RunID) + "-leftover",
	})
	if err != nil {
		t.Fatal(err)
	}
	f := projectFilter()
	f.Add("label", LabelRun+"="+c.spec.RunID)
	removed, err := downAll(ctx, testDocker, f, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 3 {
		t.Errorf("removed %v, want 2 containers and the network", removed)
	}
	if left := runLeftovers(t, c.spec.RunID); len(left) > 0 {
		t.Errorf("after DownAll: %v", left)
	}
}
