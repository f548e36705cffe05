package compose

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// userCluster starts n containers of a user's own on the network "users"
// (10.5.0.x), unlabelled, as docker-compose would.
func userCluster(t *testing.T, f *fakeDocker, n int) []AttachNode {
	t.Helper()
	ctx := context.Background()
	var out []AttachNode
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("users-e%d-1", i)
		res, err := f.ContainerCreate(ctx, client.ContainerCreateOptions{
			Config:     &container.Config{Image: EtcdLocalImage},
			HostConfig: &container.HostConfig{NetworkMode: "users"},
			NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
				"users": {IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: netip.MustParseAddr(fmt.Sprintf("10.5.0.%d", i+1))}},
			}},
			Name: name,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.start(res.ID); err != nil {
			t.Fatal(err)
		}
		out = append(out, AttachNode{Name: fmt.Sprintf("n%d", i), Container: name})
	}
	return out
}

// On an attached cluster the agents join the user's nodes' namespaces; a
// node killed and started comes back in a new namespace, where Start
// puts a new agent with the node's rules; Down removes only the agents.
func TestAttachJoinsAgents(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	nodes := userCluster(t, f, 3)
	c, err := attach(ctx, f, AttachSpec{RunID: "a1", Dir: t.TempDir(), Nodes: nodes, Partitions: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range c.Nodes() {
		ag := f.agentOf(c, n.Name)
		if ag == nil || string(ag.Host.NetworkMode) != "container:"+n.ContainerID || ag.Config.Labels[LabelRun] != "a1" ||
			strings.Join(ag.Config.Cmd, " ") != "netctl agent --listen "+n.IP+":17070" {
			t.Fatalf("%s (%s): agent %+v", n.Name, n.IP, ag)
		}
	}
	isolate3 := map[string][]string{"n1": {"n3"}, "n2": {"n3"}, "n3": {"n1", "n2"}}
	cut := map[string]string{"n1": ips(c, "n3"), "n2": ips(c, "n3"), "n3": ips(c, "n1", "n2")}
	if err := c.Cut(ctx, isolate3); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, cut)

	// Killed: its agent is left in a namespace no one reaches; a heal
	// skips it, and its start brings a new agent with the rules.
	if err := c.Kill(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	old := f.agentOf(c, "n3").ID
	if err := c.Start(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if f.agentOf(c, "n3").ID == old || f.byName("chaos-a1-n3-netagent") == nil || len(f.agents()) != 4 {
		t.Errorf("n3's agent was not replaced: %d agents created", len(f.agents()))
	}
	wantRules(t, f, c, cut)
	if err := c.Kill(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mend(ctx); err != nil {
		t.Fatalf("Mend with n3 killed: %v", err)
	}
	if err := c.Start(ctx, "n3"); err != nil {
		t.Fatal(err)
	}
	wantRules(t, f, c, map[string]string{})

	if err := c.Down(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.names(), " "); got != "container users-e1-1 container users-e2-1 container users-e3-1" {
		t.Errorf("after Down the engine holds %q, want the user's containers only", got)
	}
}

// Attached without partitions there are no agents: a cut is refused,
// a heal is nothing.
func TestAttachWithoutPartitions(t *testing.T) {
	ctx := context.Background()
	f := fakeWithImages()
	c, err := attach(ctx, f, AttachSpec{RunID: "a2", Dir: t.TempDir(), Nodes: userCluster(t, f, 2)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.agents()); n != 0 {
		t.Errorf("%d agents", n)
	}
	if err := c.Cut(ctx, map[string][]string{"n1": {"n2"}}); err == nil || !strings.Contains(err.Error(), "without partitions") {
		t.Errorf("Cut: %v", err)
	}
	if err := c.Mend(ctx); err != nil {
		t.Errorf("Mend: %v", err)
	}
	if err := c.Probe(ctx, "n1", "n2", 2379, 0); err == nil {
		t.Error("Probe without agents: no error")
	}
}
