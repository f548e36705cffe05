package compose

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite compose/files/*.compose.yaml from the templates")

// shippedParams renders the file the repository ships.
var shippedParams = renderParams{Nodes: 3, RunID: "manual", Subnet: netip.MustParsePrefix("172.29.0.0/24")}

func etcdBackend(t *testing.T) backend {
	t.Helper()
	b, err := lookupBackend("etcd")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The repository ships the 3-node rendering of each backend, for people
// who run it by hand.
func TestShippedComposeFilesAreTheRenderForThreeNodes(t *testing.T) {
	for _, b := range backends {
		got, err := render(b, shippedParams)
		if err != nil {
			t.Fatal(err)
		}
		path := shippedFile(b)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the render for 3 nodes; run `go test ./compose -run Shipped -update`\n--- render ---\n%s", path, got)
		}
	}
}

// shippedFile is the path of b's rendered 3-node file.
func shippedFile(b backend) string { return strings.TrimSuffix(b.template, ".tmpl") }

func TestRenderFiveNodes(t *testing.T) {
	p := renderParams{Nodes: 5, RunID: "r1", Subnet: netip.MustParsePrefix("172.29.7.0/24")}
	out, err := render(etcdBackend(t), p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{
		"container_name: chaos-r1-n5",
		"ipv4_address: 172.29.7.15",
		"--initial-cluster=n1=http://172.29.7.11:2380,n2=http://172.29.7.12:2380,n3=http://172.29.7.13:2380,n4=http://172.29.7.14:2380,n5=http://172.29.7.15:2380",
		"--advertise-client-urls=http://172.29.7.13:2379",
		"--data-dir=/data/etcd",
		"image: ${ETCD_IMAGE:-gcr.io/etcd-development/etcd:v3.6.16}",
		"subnet: 172.29.7.0/24",
		"gateway: 172.29.7.1",
		`io.chaos.run: "r1"`,
		"name: chaos-r1",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("render lacks %q", want)
		}
	}
	if n := strings.Count(s, "io.chaos.project: \"chaos\""); n != 6 {
		t.Errorf("io.chaos.project label appears %d times, want 6 (5 services + network)", n)
	}
}

func TestRenderRejects(t *testing.T) {
	b := etcdBackend(t)
	for _, p := range []renderParams{
		{Nodes: 0, RunID: "r", Subnet: shippedParams.Subnet},
		{Nodes: MaxNodes + 1, RunID: "r", Subnet: shippedParams.Subnet},
		{Nodes: 3, RunID: "bad/id", Subnet: shippedParams.Subnet},
		{Nodes: 3, RunID: "-x", Subnet: shippedParams.Subnet},
		{Nodes: 3, RunID: "r", Subnet: netip.MustParsePrefix("172.29.0.0/16")},
	} {
		if _, err := render(b, p); err == nil {
			t.Errorf("render(%+v): want error", p)
		}
	}
}

// docker-compose v1.29 (when installed) accepts each file as it is, with
// the official image or the local build.
func TestShippedComposeFilesValidateWithDockerCompose(t *testing.T) {
	dc, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose not installed")
	}
	for _, b := range backends {
		abs, err := filepath.Abs(shippedFile(b))
		if err != nil {
			t.Fatal(err)
		}
		for _, img := range []string{"", b.localImage} {
			cmd := exec.Command(dc, "-f", abs, "config")
			cmd.Env = append(os.Environ(), b.imageVar+"="+img)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("docker-compose config (%s=%q): %v\n%s", b.imageVar, img, err, out)
			}
			want := "image: " + b.officialImage
			if img != "" {
				want = "image: " + img
			}
			if !strings.Contains(string(out), want) {
				t.Errorf("docker-compose config (%s=%q) lacks %q:\n%s", b.imageVar, img, want, out)
			}
		}
	}
}

func TestRenderZooKeeperAndConsul(t *testing.T) {
	p := renderParams{Nodes: 5, RunID: "r1", Subnet: netip.MustParsePrefix("172.29.7.0/24")}
	for target, wants := range map[string][]string{
		"zookeeper": {
			`ZOO_MY_ID: "4"`,
			`ZOO_SERVERS: "server.1=172.29.7.11:2888:3888;2181 server.2=172.29.7.12:2888:3888;2181 server.3=172.29.7.13:2888:3888;2181 server.4=172.29.7.14:2888:3888;2181 server.5=172.29.7.15:2888:3888;2181"`,
			"image: ${ZOOKEEPER_IMAGE:-zookeeper:3.8}",
			"minSessionTimeout=1000",
		},
		"consul": {
			"- -node=n5",
			"- -bootstrap-expect=5",
			"- -bind=172.29.7.13",
			"- -retry-join=172.29.7.15",
			"image: ${CONSUL_IMAGE:-hashicorp/consul:1.22}",
			`- -hcl=session_ttl_min = "1s"`,
		},
	} {
		b, err := lookupBackend(target)
		if err != nil {
			t.Fatal(err)
		}
		out, err := render(b, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range wants {
			if !strings.Contains(string(out), want) {
				t.Errorf("%s render lacks %q", target, want)
			}
		}
		if n := strings.Count(string(out), "io.chaos.project: \"chaos\""); n != 6 {
			t.Errorf("%s: io.chaos.project label appears %d times, want 6", target, n)
		}
	}
}
