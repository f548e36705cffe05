//go:build docker

package compose

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/netfault"
)

// A Docker host behind ssh: the harness cannot reach the containers'
// addresses, so an attached cluster's agents are reached through `docker
// exec` of a relay in each agent's container (AttachSpec.AgentsByExec).
// Here two containers of the user's stand in for the nodes; the cut and
// the heal go to the agents over the exec'd relays, and the agents'
// own ping across the link sees them.
func TestAttachAgentsByExec(t *testing.T) {
	ctx := context.Background()
	runID := testRunID("ax")
	netName := "user-" + runID
	docker := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("docker", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	docker("network", "create", netName)
	var nodes []AttachNode
	t.Cleanup(func() {
		for _, n := range nodes {
			_ = exec.Command("docker", "rm", "-f", n.Container).Run()
		}
		_ = exec.Command("docker", "network", "rm", netName).Run()
	})
	for _, name := range []string{"n1", "n2"} {
		// A long-lived process of the user's: an agent on another port.
		ctr := netName + "-" + name
		docker("run", "-d", "--name", ctr, "--network", netName, "--entrypoint", "/chaos", NetctlImage, "netctl", "agent", "--listen", ":17999")
		nodes = append(nodes, AttachNode{Name: name, Container: ctr})
	}
	c, err := Attach(ctx, testDocker, AttachSpec{RunID: runID, Dir: t.TempDir(), Nodes: nodes, Partitions: true, AgentsByExec: true, Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := c.Down(dctx); err != nil {
			t.Errorf("Down: %v", err)
		}
		if left := runLeftovers(t, runID); len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
	})
	if c.execAgents == nil {
		t.Fatal("the agents are not reached through docker exec")
	}
	if _, err := c.ProbeLink(ctx, "n1", "n2", 0, time.Second); err != nil {
		t.Fatalf("healthy link: %v", err)
	}
	cut := netfault.Shape{{From: "n1", To: "n2"}: {Drop: true}, {From: "n2", To: "n1"}: {Drop: true}}
	applied, err := c.Shape(ctx, cut)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cut through exec'd relays in effect after %s", applied.Took())
	if _, err := c.ProbeLink(ctx, "n1", "n2", 0, 300*time.Millisecond); err == nil {
		t.Error("the probe crossed the cut")
	}
	st, err := c.netState(ctx, "n2")
	if err != nil || len(st.Drop) != 1 {
		t.Errorf("n2's agent shows %+v, %v; want one source dropped", st, err)
	}
	if _, err := c.Shape(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ProbeLink(ctx, "n1", "n2", 0, time.Second); err != nil {
		t.Errorf("after the heal: %v", err)
	}
}
