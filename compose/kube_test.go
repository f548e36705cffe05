package compose

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/client"
)

// Target kubernetes renders etcd's members and its API servers, each
// pointed at every member, and the plan loads both.
func TestRenderKubernetesAPIServers(t *testing.T) {
	b, err := lookupBackend(targetKubernetes)
	if err != nil {
		t.Fatal(err)
	}
	out, err := render(b, renderParams{Nodes: 3, RunID: "r1", Subnet: netip.MustParsePrefix("172.29.7.0/24"), APIServers: 2})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), ComposeFile)
	p, err := loadPlan(context.Background(), path, out, "chaos-r1", map[string]string{"ETCD_IMAGE": EtcdLocalImage, "KUBE_APISERVER_IMAGE": KubeAPIServerLocalImage}, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Containers) != 3 || len(p.Servers) != 2 {
		t.Fatalf("%d nodes, %d API servers: want 3 and 2", len(p.Containers), len(p.Servers))
	}
	s := p.Servers[1]
	if s.Node != "api2" || s.IP.String() != "172.29.7.62" || s.Config.Image != KubeAPIServerLocalImage || s.Config.Labels[LabelRun] != "r1" {
		t.Errorf("api2: %s %s %s %v", s.Node, s.IP, s.Config.Image, s.Config.Labels)
	}
	if !slices.Contains(s.Config.Cmd, "--etcd-servers=http://172.29.7.11:2379,http://172.29.7.12:2379,http://172.29.7.13:2379") ||
		!slices.Contains(s.Config.Cmd, "--advertise-address=172.29.7.62") || !slices.Contains(s.Config.Cmd, "--token-auth-file=/kube/tokens.csv") {
		t.Errorf("api2 command: %v", s.Config.Cmd)
	}
	etcd, _ := lookupBackend("etcd")
	if _, err := render(etcd, renderParams{Nodes: 3, RunID: "r1", Subnet: netip.MustParsePrefix("172.29.7.0/24"), APIServers: 1}); err == nil {
		t.Error("etcd rendered with API servers")
	}
	if _, err := (Spec{Target: "etcd", RunID: "r1", Dir: "d", APIServers: 1}).withDefaults(); err == nil ||
		!strings.Contains(err.Error(), "only target kubernetes has API servers") {
		t.Errorf("etcd spec with API servers: %v", err)
	}
	if sp, err := (Spec{Target: targetKubernetes, RunID: "r1", Dir: "d"}).withDefaults(); err != nil || sp.APIServers != 1 {
		t.Errorf("kubernetes spec: %d API servers, %v; want 1", sp.APIServers, err)
	}
}

// The credentials: a serving certificate for the servers' addresses, a
// token in the token file, the keys readable by their owner only, and
// nothing of the token in how the credentials print.
func TestKubeCredentials(t *testing.T) {
	files, creds, err := NewKubeCredentials([]string{"api1"}, []string{"172.29.7.61"})
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(creds.CA)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.VerifyHostname("172.29.7.61"); err != nil {
		t.Error(err)
	}
	if !strings.HasPrefix(string(files["tokens.csv"]), creds.Token+",") || len(creds.Token) < 32 {
		t.Errorf("tokens.csv %q", files["tokens.csv"])
	}
	if strings.Contains(creds.String(), creds.Token) {
		t.Error("the token prints")
	}
	archive, err := kubeArchive(files)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(archive))
	var names []string
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		names = append(names, h.Name)
		if h.Typeflag == tar.TypeReg && h.Mode != 0o600 {
			t.Errorf("%s mode %o", h.Name, h.Mode)
		}
	}
	want := []string{"kube/", "kube/sa.key", "kube/sa.pub", "kube/tls.crt", "kube/tls.key", "kube/tokens.csv"}
	if !slices.Equal(names, want) {
		t.Errorf("archive %v, want %v", names, want)
	}
}

// ctxNetworks records whether the context of each network create was
// already done when the Engine got it.
type ctxNetworks struct {
	networkAPI
	done []bool
}

func (c *ctxNetworks) NetworkCreate(ctx context.Context, _ string, _ client.NetworkCreateOptions) (client.NetworkCreateResult, error) {
	c.done = append(c.done, ctx.Err() != nil)
	return client.NetworkCreateResult{ID: "n"}, nil
}

// A create is seen through when the start-up is cancelled: the Engine may
// carry out a create the client gave up on, after the teardown listed
// what to remove.
func TestCreateOutlivesCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	api := &ctxNetworks{}
	if _, err := createNetwork(ctx, api, "chaos-r1", client.NetworkCreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(api.done, []bool{false}) {
		t.Fatalf("the create's context was done: %v", api.done)
	}
}
