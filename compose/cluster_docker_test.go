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

	"github.com/chaos-election/chaos/compose/netctl"
	"github.com/chaos-election/chaos/netfault"
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

// probe dials from's namespace to to's peer port, through from's agent.
func probe(c *Cluster, from, to string) error {
	return c.Probe(context.Background(), from, to, 2380, time.Second)
}

// netShow reads what node's agent has in force.
func netShow(t *testing.T, c *Cluster, node string) netctl.State {
	t.Helper()
	st, err := c.netState(context.Background(), node)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func dropsOf(st netctl.State) string { return netctl.FormatAddrs(st.Drop) }

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
			if mode := res.Container.HostConfig.NetworkMode; string(mode) != "container:"+c.agents[c.byName[n.Name]].containerID {
				t.Errorf("%s is in network %s, not its agent's namespace", n.Name, mode)
			}
			ag, err := testDocker.ContainerInspect(ctx, c.agents[c.byName[n.Name]].containerID, client.ContainerInspectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ag.Container.NetworkSettings.Networks[c.netName].IPAddress.String(); got != n.IP {
				t.Errorf("%s's agent has address %s, want %s", n.Name, got, n.IP)
			}
		}
	})

	t.Run("every node has an agent", func(t *testing.T) {
		cs, err := testDocker.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: runFilter(c.spec.RunID).Add("label", LabelRole+"="+roleNetAgent)})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs.Items) != 3 {
			t.Fatalf("%d agents, want 3", len(cs.Items))
		}
		for _, ct := range cs.Items {
			if ct.State != container.StateRunning || ct.Image != NetctlImage {
				t.Errorf("agent %v: %s, image %s", ct.Names, ct.State, ct.Image)
			}
		}
		for _, n := range c.Names() {
			if st := netShow(t, c, n); len(st.Drop) != 0 || len(st.Loss) != 0 {
				t.Errorf("%s starts with rules: %+v", n, st)
			}
		}
	})

	t.Run("cut halves", func(t *testing.T) {
		start := time.Now()
		if err := c.Cut(ctx, map[string][]string{"n1": {"n3"}, "n2": {"n3"}, "n3": {"n1", "n2"}}); err != nil {
			t.Fatal(err)
		}
		figures["cut in effect (3 nodes)"] = time.Since(start)
		// In effect when Cut returns: the very next packet is dropped.
		if err := probe(c, "n1", "n3"); err == nil {
			t.Error("n1 still reaches n3's peer port")
		}
		if err := probe(c, "n3", "n2"); err == nil {
			t.Error("n3 still reaches n2's peer port")
		}
		if err := probe(c, "n1", "n2"); err != nil {
			t.Errorf("n1 no longer reaches n2's peer port (same side): %v", err)
		}
		if rtt, err := c.ProbeLink(ctx, "n2", "n1", 0, time.Second); err != nil || rtt <= 0 || rtt > 200*time.Millisecond {
			t.Errorf("ProbeLink n2→n1 (same side): %v, %v", rtt, err)
		}
		if _, err := c.ProbeLink(ctx, "n2", "n3", 0, 300*time.Millisecond); err == nil {
			t.Error("ProbeLink n2→n3 across the cut succeeded")
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
		if st := netShow(t, c, "n3"); dropsOf(st) != n1.IP+","+n2.IP || st.Packets == 0 {
			t.Errorf("n3 rules: %+v", st)
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
		if err := probe(c, "n1", "n3"); err != nil {
			t.Errorf("after Mend n1 does not reach n3: %v", err)
		}
		d := eventually(t, 20*time.Second, "put through n3 after Mend", func() error {
			return etcdPut(ctx, n3, "cut", "healed", 2*time.Second)
		})
		t.Logf("n3 accepted writes %v after Mend", d)
		for _, n := range c.Names() {
			if st := netShow(t, c, n); len(st.Drop) != 0 {
				t.Errorf("%s after Mend: %+v", n, st)
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
		// A node restarted during a cut is cut the moment Start returns:
		// it rejoined its agent's namespace, whose rules never left.
		if err := c.Cut(ctx, isolate3); err != nil {
			t.Fatal(err)
		}
		if err := c.Kill(ctx, "n3"); err != nil {
			t.Fatal(err)
		}
		if err := c.Start(ctx, "n3"); err != nil {
			t.Fatal(err)
		}
		if err := probe(c, "n3", "n1"); err == nil {
			t.Error("n3 restarted during the cut reaches n1")
		}
		if st := netShow(t, c, "n3"); dropsOf(st) != n1.IP+","+n2.IP {
			t.Errorf("n3 restarted during the cut lacks its rules: %+v", st)
		}
		// A cut made while the node is down is in force when it starts.
		if err := c.Mend(ctx); err != nil {
			t.Fatal(err)
		}
		if err := c.Kill(ctx, "n3"); err != nil {
			t.Fatal(err)
		}
		if err := c.Cut(ctx, isolate3); err != nil {
			t.Fatalf("Cut with n3 killed: %v", err)
		}
		if err := c.Start(ctx, "n3"); err != nil {
			t.Fatal(err)
		}
		if err := probe(c, "n3", "n2"); err == nil {
			t.Error("n3, cut while down, reaches n2 once started")
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
		if st := netShow(t, c, "n3"); len(st.Drop) != 0 {
			t.Errorf("n3 paused during Mend came back with rules: %+v", st)
		}
		// Mend reaches a killed node; it comes back uncut.
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
		if st := netShow(t, c, "n3"); len(st.Drop) != 0 {
			t.Errorf("n3 killed during Mend came back with rules: %+v", st)
		}
		eventually(t, 30*time.Second, "put through n3 after it rejoined", func() error {
			return etcdPut(ctx, n3, "rejoined", "yes", 2*time.Second)
		})
	})

	t.Run("one-way cut", func(t *testing.T) {
		// n1 no longer hears n2; n2 still hears n1. A TCP connect needs
		// both ways, so the directions are told apart by the counters of
		// the rules: a drop on n1 for n2, and on n2 a loss of one in a
		// million for n1, there only for its counter of packets seen.
		s := netfault.Shape{
			{From: "n2", To: "n1"}: {Drop: true},
			{From: "n1", To: "n2"}: {Loss: 1e-6},
		}
		if _, err := c.Shape(ctx, s); err != nil {
			t.Fatal(err)
		}
		before1, before2 := netShow(t, c, "n1"), netShow(t, c, "n2")
		if dropsOf(before1) != n2.IP || len(before2.Drop) != 0 || len(before2.Loss) != 1 {
			t.Fatalf("rules: n1 %+v, n2 %+v", before1, before2)
		}
		// n2 → n1: n2's SYNs reach n1 and are dropped there.
		if err := probe(c, "n2", "n1"); err == nil {
			t.Error("n2 reaches n1 across the one-way cut")
		}
		// n1 → n2: n1's SYN reaches n2 (seen), n2's answer dies at n1.
		if err := c.Probe(ctx, "n1", "n2", netctl.AgentPort, time.Second); err == nil {
			t.Error("n1's connect to n2 succeeded: its answer should be dropped at n1")
		}
		after1, after2 := netShow(t, c, "n1"), netShow(t, c, "n2")
		if after1.Packets <= before1.Packets {
			t.Errorf("n1 dropped nothing from n2: %d then %d", before1.Packets, after1.Packets)
		}
		if after2.Loss[0].Seen <= before2.Loss[0].Seen || after2.Packets != 0 {
			t.Errorf("n2 saw nothing from n1 (or dropped some): %+v then %+v", before2, after2)
		}
		// n3 is untouched both ways.
		for _, p := range [][2]string{{"n1", "n3"}, {"n3", "n1"}, {"n2", "n3"}, {"n3", "n2"}} {
			if err := probe(c, p[0], p[1]); err != nil {
				t.Errorf("%s→%s: %v", p[0], p[1], err)
			}
		}
		if err := c.Mend(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("loss drops about half", func(t *testing.T) {
		s := netfault.Shape{{From: "n2", To: "n1"}: {Loss: 0.5}, {From: "n3", To: "n1"}: {Loss: 0.5}}
		if _, err := c.Shape(ctx, s); err != nil {
			t.Fatal(err)
		}
		// etcd's own peer traffic, and connects from n2 (each a few
		// packets, each packet lost or not on its own).
		connected := 0
		for range 100 {
			if c.Probe(ctx, "n2", "n1", 2380, 100*time.Millisecond) == nil {
				connected++
			}
		}
		st := netShow(t, c, "n1")
		if len(st.Loss) != 1 || st.Loss[0].P != 0.5 || netctl.FormatAddrs(st.Loss[0].From) != n2.IP+","+n3.IP {
			t.Fatalf("n1 rules: %+v", st)
		}
		l := st.Loss[0]
		ratio := float64(l.Dropped) / float64(l.Seen)
		t.Logf("loss 0.5: %d of %d packets dropped (%.3f); %d of 100 connects through", l.Dropped, l.Seen, ratio, connected)
		if l.Seen < 200 || ratio < 0.4 || ratio > 0.6 {
			t.Errorf("loss 0.5 dropped %d of %d packets (%.3f)", l.Dropped, l.Seen, ratio)
		}
		if connected == 0 || connected == 100 {
			t.Errorf("%d of 100 connects through a 0.5 loss", connected)
		}
		if err := c.Mend(ctx); err != nil {
			t.Fatal(err)
		}
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
			a, err := os.ReadFile(filepath.Join(c.spec.Dir, LogsDir, n+"-agent.log"))
			if err != nil || !strings.Contains(string(a), "agent listening") {
				t.Errorf("%s-agent.log is not the agent's log: %q, %v", n, a, err)
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
// calls DownRun, DownAll's body with the project filter narrowed to its
// own run (`chaos down --run`); the plain tests check that DownAll uses
// the project filter.
func TestDownAllRemovesEverythingLabelled(t *testing.T) {
	ctx := context.Background()
	c := upTestCluster(t, 1)
	// A second agent left behind by a crash, in n1's namespace, to be
	// found by label too.
	n := mustNode(t, c, "n1")
	_, err := testDocker.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{
			Image: NetctlImage, Labels: map[string]string{LabelProject: ProjectValue, LabelRun: c.spec.RunID, LabelRole: roleNetAgent},
		},
		HostConfig: &container.HostConfig{NetworkMode: container.NetworkMode("container:" + n.ContainerID)},
		Name:       prefix(c.spec.RunID) + "-leftover",
	})
	if err != nil {
		t.Fatal(err)
	}
	removed, err := DownRun(ctx, testDocker, c.spec.RunID, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 4 {
		t.Errorf("removed %v, want the node, its agent, the leftover and the network", removed)
	}
	if left := runLeftovers(t, c.spec.RunID); len(left) > 0 {
		t.Errorf("after DownAll: %v", left)
	}
}
