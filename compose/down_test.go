package compose

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

func TestDownRemovesOnlyTheRun(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c1 := upFake(t, f, Spec{Nodes: 2, RunID: "r1"})
	upFake(t, f, Spec{Nodes: 1, RunID: "r2"})
	// An agent of r1 that no Cluster knows (left by a crash), and an unrelated container.
	_, _ = f.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: NetctlImage, Labels: map[string]string{
		LabelProject: ProjectValue, LabelRun: "r1", LabelRole: roleNetAgent}}, HostConfig: &container.HostConfig{}, Name: "chaos-r1-stray-netagent"})
	_, _ = f.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: NetctlImage}, HostConfig: &container.HostConfig{}, Name: "someone-else"})
	for range 2 { // idempotent
		if err := c1.Down(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := "container chaos-r2-n1 container chaos-r2-n1-netagent container someone-else network chaos-r2"
	if got := strings.Join(f.names(), " "); got != want {
		t.Errorf("after r1's Down the engine holds %q, want %q", got, want)
	}
}

// Down removes the nodes before the agents whose namespaces they are in,
// and the network last.
func TestDownRemovesNodesThenAgents(t *testing.T) {
	f := fakeWithImages()
	c := upFake(t, f, Spec{Nodes: 3})
	if err := c.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	var order []string
	f.mu.Lock()
	for _, call := range f.calls {
		if name, ok := strings.CutPrefix(call, "ContainerRemove "); ok {
			order = append(order, name)
		}
		if strings.HasPrefix(call, "NetworkRemove ") {
			order = append(order, "network")
		}
	}
	f.mu.Unlock()
	if len(order) != 7 || order[6] != "network" {
		t.Fatalf("removed %v, want 3 nodes, 3 agents, the network", order)
	}
	for i, name := range order[:6] {
		if agent := strings.HasSuffix(name, "-netagent"); agent != (i >= 3) {
			t.Errorf("removed %v: nodes first, then agents", order)
			break
		}
	}
	if n := f.names(); len(n) != 0 {
		t.Errorf("after Down: %v", n)
	}
}

func TestDownAllUsesTheProjectLabel(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	upFake(t, f, Spec{Nodes: 2, RunID: "r1"})
	upFake(t, f, Spec{Nodes: 1, RunID: "r2"})
	_, _ = f.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: NetctlImage}, HostConfig: &container.HostConfig{}, Name: "someone-else"})
	// A user's own container from an image chaos built: it inherits the
	// image's project label, but no run made it.
	_, _ = f.ContainerCreate(ctx, client.ContainerCreateOptions{Config: &container.Config{Image: "chaos-local/etcd:v3.6.16", Labels: map[string]string{
		LabelProject: ProjectValue, LabelContentHash: "sha256:1"}}, HostConfig: &container.HostConfig{}, Name: "users-etcd-1"})
	removed, err := downAll(ctx, f, projectFilter(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 8 {
		t.Errorf("removed %v, want 3 nodes, their 3 agents and 2 networks", removed)
	}
	if got := strings.Join(f.names(), " "); got != "container someone-else container users-etcd-1" {
		t.Errorf("engine holds %q, want only the containers no run made", got)
	}
	if removed, err := downAll(ctx, f, projectFilter(), nil); err != nil || len(removed) != 0 {
		t.Errorf("second downAll: %v, %v", removed, err)
	}
}

func TestCollectLogs(t *testing.T) {
	f := fakeWithImages()
	dir := t.TempDir()
	c := upFake(t, f, Spec{Nodes: 2, Dir: dir})
	if err := c.CollectLogs(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, n := range c.Names() {
		b, err := os.ReadFile(filepath.Join(dir, LogsDir, n+".log"))
		if err != nil {
			t.Fatal(err)
		}
		// Demultiplexed: the text only, no stream headers.
		if string(b) != "hello from chaos-r1-"+n+"\n" {
			t.Errorf("%s.log = %q", n, b)
		}
		a, err := os.ReadFile(filepath.Join(dir, LogsDir, n+"-agent.log"))
		if err != nil || !strings.HasPrefix(string(a), "agent listening on ") {
			t.Errorf("%s-agent.log = %q, %v", n, a, err)
		}
	}
}
