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

var update = flag.Bool("update", false, "rewrite compose/files/etcd.compose.yaml from the template")

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

// The repository ships the 3-node rendering, for people who run it by hand.
func TestShippedComposeFileIsTheRenderForThreeNodes(t *testing.T) {
	got, err := render(etcdBackend(t), shippedParams)
	if err != nil {
		t.Fatal(err)
	}
	const path = "files/etcd.compose.yaml"
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
		t.Fatalf("%s differs from the render for 3 nodes; run `go test ./compose -run Shipped -update`\n--- render ---\n%s", path, got)
	}
}

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

// docker-compose v1.29 (when installed) accepts the file as it is.
func TestShippedComposeFileValidatesWithDockerCompose(t *testing.T) {
	dc, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose not installed")
	}
	abs, err := filepath.Abs("files/etcd.compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range []string{"", EtcdLocalImage} {
		cmd := exec.Command(dc, "-f", abs, "config")
		cmd.Env = append(os.Environ(), "ETCD_IMAGE="+img)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("docker-compose config (ETCD_IMAGE=%q): %v\n%s", img, err, out)
		}
		want := "image: " + EtcdOfficialImage
		if img != "" {
			want = "image: " + img
		}
		if !strings.Contains(string(out), want) {
			t.Errorf("docker-compose config (ETCD_IMAGE=%q) lacks %q:\n%s", img, want, out)
		}
	}
}
