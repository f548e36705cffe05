package compose

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoadPlanFromShippedFile(t *testing.T) {
	content, err := os.ReadFile("files/etcd.compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "compose.yaml")
	p, err := loadPlan(context.Background(), path, content, "chaos-manual", map[string]string{"ETCD_IMAGE": EtcdLocalImage}, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.NetworkName != "chaos-manual" || p.Network.Driver != "bridge" {
		t.Errorf("network = %q %+v", p.NetworkName, p.Network)
	}
	if p.Network.Labels[LabelProject] != ProjectValue || p.Network.Labels[LabelRun] != "manual" {
		t.Errorf("network labels = %v", p.Network.Labels)
	}
	if c := p.Network.IPAM.Config; len(c) != 1 || c[0].Subnet.String() != "172.29.0.0/24" || c[0].Gateway.String() != "172.29.0.1" {
		t.Errorf("ipam = %+v", c)
	}
	if len(p.Containers) != 3 {
		t.Fatalf("%d containers, want 3", len(p.Containers))
	}
	for i, c := range p.Containers {
		name := nodeName(i + 1)
		if c.Node != name || c.Name != "chaos-manual-"+name || c.IP.String() != nodeIP(shippedParams.Subnet, i+1).String() {
			t.Errorf("container %d = %s %s %s", i, c.Node, c.Name, c.IP)
		}
		if c.Config.Image != EtcdLocalImage {
			t.Errorf("%s image = %q, want the interpolated %s", name, c.Config.Image, EtcdLocalImage)
		}
		if !slices.Equal(c.Config.Entrypoint, []string{"/usr/local/bin/etcd"}) || !slices.Contains(c.Config.Cmd, "--name="+name) {
			t.Errorf("%s entrypoint %v cmd %v", name, c.Config.Entrypoint, c.Config.Cmd)
		}
		if c.Config.Labels[LabelRun] != "manual" || c.Config.Labels[LabelNode] != name || c.Config.Labels[LabelProject] != ProjectValue {
			t.Errorf("%s labels = %v", name, c.Config.Labels)
		}
		if c.Config.StopTimeout == nil || *c.Config.StopTimeout != 2 {
			t.Errorf("%s stop timeout = %v, want 2", name, c.Config.StopTimeout)
		}
		ep := c.Net.EndpointsConfig["chaos-manual"]
		if ep == nil || ep.IPAMConfig.IPv4Address != c.IP || string(c.Host.NetworkMode) != "chaos-manual" {
			t.Errorf("%s networking = %+v / %s", name, ep, c.Host.NetworkMode)
		}
	}
	// Without the variable the official image is used.
	p, err = loadPlan(context.Background(), path, content, "chaos-manual", nil, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Containers[0].Config.Image != EtcdOfficialImage {
		t.Errorf("image = %q, want %s", p.Containers[0].Config.Image, EtcdOfficialImage)
	}
	if _, err := loadPlan(context.Background(), path, content, "chaos-manual", nil, 4, 0); err == nil {
		t.Error("loadPlan for 4 nodes from a 3-node file: want error")
	}
}

// The ZooKeeper file configures its servers through the environment, which
// must reach the containers; the Consul file through its command.
func TestLoadPlanZooKeeperAndConsul(t *testing.T) {
	for _, b := range backends[1:3] {
		content, err := os.ReadFile(shippedFile(b))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "compose.yaml")
		p, err := loadPlan(context.Background(), path, content, "chaos-manual", map[string]string{b.imageVar: b.localImage}, 3, 0)
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		c := p.Containers[1]
		if c.Config.Image != b.localImage {
			t.Errorf("%s image = %q", b.name, c.Config.Image)
		}
		switch b.name {
		case "zookeeper":
			if !slices.Contains(c.Config.Env, "ZOO_MY_ID=2") || !slices.ContainsFunc(c.Config.Env, func(e string) bool {
				return strings.HasPrefix(e, "ZOO_SERVERS=server.1=172.29.0.11:2888:3888;2181 ")
			}) {
				t.Errorf("zookeeper n2 env = %v", c.Config.Env)
			}
		case "consul":
			if !slices.Equal(c.Config.Entrypoint, []string{"/bin/consul"}) || !slices.Contains(c.Config.Cmd, "-node=n2") ||
				!slices.Contains(c.Config.Cmd, `-hcl=session_ttl_min = "1s"`) {
				t.Errorf("consul n2 entrypoint %v cmd %v", c.Config.Entrypoint, c.Config.Cmd)
			}
		}
	}
}
