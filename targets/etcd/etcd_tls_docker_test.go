//go:build docker

package etcd

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chaos-election/chaos/compose"
	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

// TestEtcdTLS runs one etcd member that serves clients only over TLS with
// client certificates (--client-cert-auth) and checks that a target with
// LoadTLS's config probes it, campaigns (through a Dial hook too), writes
// and cleans, and that one without a client certificate, with another CA
// or without TLS cannot probe it.
func TestEtcdTLS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	certs := targettest.NewCerts(t, []net.IP{net.IPv4(127, 0, 0, 1)})
	ep := startTLSMember(t, ctx, certs)

	withCert, err := targets.LoadTLS(certs.CA, certs.ClientCert, certs.ClientKey, "")
	if err != nil {
		t.Fatal(err)
	}
	root := targettest.RandomRoot("/t-tls")
	tgt := New(Options{Root: root, Access: targets.Access{TLS: withCert}})
	start := time.Now()
	targettest.Eventually(t, 30*time.Second, "probe over TLS", func() error { return tgt.Probe(ctx, ep) })
	t.Logf("TLS member healthy in %v", time.Since(start).Round(time.Millisecond))

	var dialed atomic.Int32
	dial := func(ctx context.Context, addr string) (net.Conn, error) {
		dialed.Add(1)
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
	c, _ := targettest.Lead(t, ctx, tgt, ep, targets.CandidateConfig{Process: "n1", TTL: 2 * time.Second, Dial: dial})
	if dialed.Load() == 0 {
		t.Error("the candidate did not dial through its hook")
	}
	if keys, err := tgt.Existing(ctx, []targets.Endpoint{ep}, 0); err != nil || len(keys) != 2 {
		t.Fatalf("existing: %q %v, want the leader key and the resource", keys, err)
	}
	c.Close()
	if n, err := tgt.Clean(ctx, []targets.Endpoint{ep}); err != nil || n != 1 {
		t.Fatalf("clean: %d %v, want the resource", n, err)
	}

	noCert, err := targets.LoadTLS(certs.CA, "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	other := targettest.NewCerts(t, nil)
	otherCA, err := targets.LoadTLS(other.CA, certs.ClientCert, certs.ClientKey, "")
	if err != nil {
		t.Fatal(err)
	}
	newTarget := func(a targets.Access) targets.Target { return New(Options{Root: root, Access: a}) }
	targettest.CheckRefused(t, ctx, newTarget, ep, nil, []targettest.Refused{
		{Name: "no client certificate", Access: targets.Access{TLS: noCert}, Why: "certificate required"},
		{Name: "another CA", Access: targets.Access{TLS: otherCA}, Why: "x509"},
		{Name: "no TLS", Access: targets.Access{}},
	})
}

// startTLSMember starts a one-member etcd from the local image with the
// certificates bind-mounted and returns its client endpoint; t.Cleanup
// removes it. Its server certificate is issued again for the container's
// address once it has one: etcd reads its certificate files at every
// handshake.
func startTLSMember(t *testing.T, ctx context.Context, certs *targettest.Certs) targets.Endpoint {
	t.Helper()
	ip := targettest.Start(t, ctx, targettest.Container{
		Image:      compose.EtcdLocalImage,
		Entrypoint: []string{"/usr/local/bin/etcd"},
		Cmd: []string{
			"--name=tls", "--data-dir=/var/lib/etcd/data",
			"--listen-client-urls=https://0.0.0.0:2379", "--advertise-client-urls=https://127.0.0.1:2379",
			"--listen-peer-urls=http://127.0.0.1:2380", "--initial-advertise-peer-urls=http://127.0.0.1:2380",
			"--initial-cluster=tls=http://127.0.0.1:2380", "--initial-cluster-state=new",
			"--cert-file=/certs/server.crt", "--key-file=/certs/server.key",
			"--trusted-ca-file=/certs/ca.crt", "--client-cert-auth",
		},
		Binds: []string{certs.Dir + ":/certs:ro"},
	})
	certs.IssueServer(t, []net.IP{ip, net.IPv4(127, 0, 0, 1)})
	return targets.Endpoint{Node: "tls", Addr: net.JoinHostPort(ip.String(), "2379")}
}
