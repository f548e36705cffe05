package external

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/external/grant"
)

// commandCluster is a three-node cluster whose faults are shell commands
// that append what they were asked to a file.
func commandCluster(t *testing.T, timeout time.Duration) (*Cluster, string, *bytes.Buffer) {
	t.Helper()
	trace := filepath.Join(t.TempDir(), "trace")
	rec := func(what string) string { return "echo " + what + " >> " + trace }
	var out bytes.Buffer
	c, err := New(Spec{
		Nodes: []Node{{Name: "n1", Endpoint: "10.9.0.1:2379"}, {Name: "n2", Endpoint: "10.9.0.2:2379"}, {Name: "n3", Endpoint: "10.9.0.3:2379", Host: "db3"}},
		Commands: map[string]grant.Command{
			grant.FaultPartition: {Start: rec("cut {node} from {peers} at {peer_hosts}"), Heal: rec("heal {node} from {peers}")},
			grant.FaultPause:     {Start: rec("pause {node} {host} {endpoint}") + "; echo paused-output", Heal: rec("resume {node}")},
		},
		Timeout: timeout,
		Output:  &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, trace, &out
}

func lines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return nil
	}
	out := strings.Split(s, "\n")
	return out
}

func TestCommandsPauseAndOutput(t *testing.T) {
	c, trace, out := commandCluster(t, 5*time.Second)
	ctx := context.Background()
	if err := c.Pause(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if err := c.Unpause(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	got := lines(t, trace)
	want := []string{"pause n3 db3 10.9.0.3:2379", "resume n3"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("commands ran %q, want %q", got, want)
	}
	rec := out.String()
	for _, w := range []string{"n3 pause start: echo pause n3 db3", "exit 0 in", "  | paused-output", "n3 pause heal:"} {
		if !strings.Contains(rec, w) {
			t.Errorf("the record lacks %q:\n%s", w, rec)
		}
	}
	if err := c.Kill(ctx, "n1"); err == nil || !strings.Contains(err.Error(), "kill: not granted") {
		t.Errorf("kill without a grant: %v", err)
	}
	if g := c.Grants(); g[grant.FaultPartition] != "commands" || g[grant.FaultPause] != "commands" || g[grant.FaultKill] != "" {
		t.Errorf("grants %v", g)
	}
}

// A cut replaces the cut set: the nodes cut before are healed first; Mend
// heals the nodes in force and nothing twice.
func TestCommandsCutReplacesAndMends(t *testing.T) {
	c, trace, _ := commandCluster(t, 5*time.Second)
	ctx := context.Background()
	if err := c.Cut(ctx, map[string][]string{"n1": {"n2", "n3", "n1"}, "n2": {"n1"}, "n3": {"n1"}}); err != nil {
		t.Fatal(err)
	}
	first := lines(t, trace)
	if err := c.Cut(ctx, map[string][]string{"n3": {"n1", "n2"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Mend(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Mend(ctx); err != nil { // nothing in force: nothing runs
		t.Fatal(err)
	}
	all := lines(t, trace)
	sortedSet := func(s []string) string {
		c := append([]string(nil), s...)
		for i := range c {
			for j := i + 1; j < len(c); j++ {
				if c[j] < c[i] {
					c[i], c[j] = c[j], c[i]
				}
			}
		}
		return strings.Join(c, "|")
	}
	if got, want := sortedSet(first), sortedSet([]string{
		"cut n1 from n2 n3 at 10.9.0.2 db3", "cut n2 from n1 at 10.9.0.1", "cut n3 from n1 at 10.9.0.1",
	}); got != want {
		t.Fatalf("first cut ran %q, want %q", got, want)
	}
	rest := all[len(first):]
	if len(rest) != 5 {
		t.Fatalf("after the first cut: %q", rest)
	}
	if got, want := sortedSet(rest[:3]), sortedSet([]string{"heal n1 from n2 n3", "heal n2 from n1", "heal n3 from n1"}); got != want {
		t.Errorf("the second cut healed %q first, want %q", got, want)
	}
	if rest[3] != "cut n3 from n1 n2 at 10.9.0.1 10.9.0.2" || rest[4] != "heal n3 from n1 n2" {
		t.Errorf("then %q", rest[3:])
	}
	if err := c.Cut(ctx, map[string][]string{"n9": {"n1"}}); err == nil {
		t.Error("a cut naming an unknown node passed")
	}
}

// A command that outlives its timeout is killed with its children, and
// the error and the record say so.
func TestCommandTimeout(t *testing.T) {
	var out bytes.Buffer
	c, err := New(Spec{
		Nodes:    []Node{{Name: "n1", Endpoint: "127.0.0.1:1"}},
		Commands: map[string]grant.Command{grant.FaultKill: {Start: "sleep 30 & sleep 30", Heal: "true"}},
		Timeout:  300 * time.Millisecond, Output: &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = c.Kill(context.Background(), "n1")
	if err == nil || !strings.Contains(err.Error(), "timed out after 300ms") {
		t.Fatalf("err %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the timeout took %v to end the command", took)
	}
	if !strings.Contains(out.String(), "timed out after 300ms, killed") {
		t.Errorf("record:\n%s", out.String())
	}
	if err := c.Start(context.Background(), "n1"); err != nil {
		t.Errorf("heal: %v", err)
	}
}

func TestFailingCommandCarriesOutput(t *testing.T) {
	c, err := New(Spec{
		Nodes:    []Node{{Name: "n1", Endpoint: "127.0.0.1:1"}},
		Commands: map[string]grant.Command{grant.FaultPause: {Start: "echo no such host >&2; exit 3", Heal: "true"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Pause(context.Background(), "n1")
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "no such host") {
		t.Fatalf("err %v", err)
	}
}

func TestSpecChecks(t *testing.T) {
	for name, s := range map[string]Spec{
		"no nodes":      {},
		"bad endpoint":  {Nodes: []Node{{Name: "n1", Endpoint: "nohostport"}}},
		"repeated name": {Nodes: []Node{{Name: "n1", Endpoint: "a:1"}, {Name: "n1", Endpoint: "b:1"}}},
		"unknown kind":  {Nodes: []Node{{Name: "n1", Endpoint: "a:1"}}, Commands: map[string]grant.Command{"reboot": {Start: "x", Heal: "y"}}},
		"no heal":       {Nodes: []Node{{Name: "n1", Endpoint: "a:1"}}, Commands: map[string]grant.Command{grant.FaultPause: {Start: "x"}}},
	} {
		if _, err := New(s); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A server node's clock goes through the plan's clock-skew commands, run
// by sh with {offset} and {offset_seconds} filled in, the heal with the
// offset it undoes; both are recorded like every granted command, and
// a cluster without the grant refuses in words.
func TestCommandsNodeClock(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	var out bytes.Buffer
	c, err := New(Spec{
		Nodes: []Node{{Name: "n1", Endpoint: "10.9.0.1:2379"}, {Name: "n2", Endpoint: "10.9.0.2:2379", Host: "db2"}},
		Commands: map[string]grant.Command{grant.FaultClockSkew: {
			Start: "echo {node} {host} {offset} {offset_seconds} start >> " + trace,
			Heal:  "echo {node} {host} {offset} {offset_seconds} heal >> " + trace,
		}},
		Output: &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.SetNodeClock(ctx, "n2", -2500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.ResetNodeClock(cancelled, "n2"); err == nil {
		t.Error("a heal on a cancelled context ran") // the nemesis heals on a context of its own
	}
	if err := c.ResetNodeClock(ctx, "n2"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetNodeClock(ctx, "n1", 4*time.Second); err != nil {
		t.Fatal(err)
	}
	got := lines(t, trace)
	want := []string{"n2 db2 -2.5s -2.5 start", "n2 db2 -2.5s -2.5 heal", "n1 10.9.0.1 4s 4 start"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("commands ran %q, want %q", got, want)
	}
	for _, w := range []string{"n2 clock-skew start: echo n2 db2 -2.5s -2.5 start", "n2 clock-skew heal: echo n2 db2 -2.5s -2.5 heal", "exit 0 in"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("the record lacks %q:\n%s", w, out.String())
		}
	}
	if g := c.Grants(); g[grant.FaultClockSkew] != "commands" || g[grant.FaultPause] != "" {
		t.Errorf("grants %v", g)
	}
	if err := c.SetNodeClock(ctx, "n9", time.Second); err == nil {
		t.Error("an unknown node's clock was set")
	}

	bare, _, _ := commandCluster(t, 5*time.Second)
	if err := bare.SetNodeClock(ctx, "n1", time.Second); err == nil || !strings.Contains(err.Error(), "clock-skew: a server node's clock is not granted") {
		t.Errorf("without the grant: %v", err)
	}
}

// A server in front of the nodes (a staging Kubernetes cluster's API
// server) is paused by the commands with its own placeholders, and is
// neither a node nor an endpoint of the candidates.
func TestCommandsOnServers(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	c, err := New(Spec{
		Nodes:    []Node{{Name: "n1", Endpoint: "api.staging:6443"}, {Name: "n2", Endpoint: "api.staging:6443"}},
		Servers:  []Node{{Name: "apiserver", Endpoint: "api.staging:6443"}},
		Commands: map[string]grant.Command{grant.FaultPause: {Start: "echo pause {node} {host} {endpoint} >> " + trace, Heal: "echo resume {node} >> " + trace}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Pause(ctx, "apiserver"); err != nil {
		t.Fatal(err)
	}
	if err := c.Unpause(ctx, "apiserver"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(lines(t, trace), "|"); got != "pause apiserver api.staging api.staging:6443|resume apiserver" {
		t.Errorf("commands ran %q", got)
	}
	if names, eps, servers := c.Names(), c.Endpoints(), c.APIServerNames(); len(names) != 2 || len(eps) != 2 || len(servers) != 1 || servers[0] != "apiserver" {
		t.Errorf("names %v, endpoints %v, servers %v", names, eps, servers)
	}
	if _, err := New(Spec{Nodes: []Node{{Name: "n1", Endpoint: "h:1"}}, Servers: []Node{{Name: "n1", Endpoint: "h:2"}}}); err == nil {
		t.Error("a server named as a node was accepted")
	}
}
