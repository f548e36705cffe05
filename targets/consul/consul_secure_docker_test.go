//go:build docker

package consul

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/chaos-election/chaos/compose"
	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

// consulServerName is the name Consul's own TLS guide gives servers'
// certificates; the client asks for it through LoadTLS's serverName.
const consulServerName = "server.dc1.consul"

// TestConsulTLSAndACL runs one Consul agent whose HTTP API is https only,
// with client certificates required, and whose ACLs deny by default, and
// checks that a target with LoadTLS's config and the management token
// probes it, campaigns, writes, lists and cleans, and that a wrong token,
// no token, no client certificate or plain http cannot probe it, with no
// error showing a token.
func TestConsulTLSAndACL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	token, wrong := uuid(), uuid()
	certs := targettest.NewCerts(t, []net.IP{net.IPv4(127, 0, 0, 1)}, consulServerName)
	ip := targettest.Start(t, ctx, targettest.Container{
		Image:      compose.ConsulLocalImage,
		Entrypoint: []string{"/bin/consul"},
		Cmd: []string{"agent", "-dev", "-node=n1", "-client=0.0.0.0", "-log-level=info",
			`-hcl=session_ttl_min = "1s"`,
			`-hcl=disable_update_check = true`,
			`-hcl=ports { http = -1, https = 8501 }`,
			`-hcl=tls { https { ca_file = "/certs/ca.crt", cert_file = "/certs/server.crt", key_file = "/certs/server.key", verify_incoming = true } }`,
			`-hcl=acl { enabled = true, default_policy = "deny", tokens { initial_management = "` + token + `" } }`,
		},
		Binds: []string{certs.Dir + ":/certs:ro"},
	})
	ep := targets.Endpoint{Node: "n1", Addr: net.JoinHostPort(ip.String(), "8501")}
	eps := []targets.Endpoint{ep}
	withCert, err := targets.LoadTLS(certs.CA, certs.ClientCert, certs.ClientKey, consulServerName)
	if err != nil {
		t.Fatal(err)
	}
	tgt := New(Options{Root: targettest.RandomRoot("t-secure"), LockDelay: time.Millisecond,
		Access: targets.Access{TLS: withCert, Token: token}})
	if err := tgt.Validate(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	targettest.Eventually(t, 60*time.Second, "probe over https with the token", func() error { return tgt.Probe(ctx, ep) })
	t.Logf("agent healthy in %v", time.Since(start).Round(time.Millisecond))

	c, _ := targettest.Lead(t, ctx, tgt, ep, targets.CandidateConfig{Process: "n1", TTL: 2 * time.Second})
	r, err := tgt.NewRegister(ctx, ep, targets.RegisterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write(ctx, "k", []byte("1")); err != nil {
		t.Fatal(err)
	}
	keys, err := tgt.Existing(ctx, eps, 0)
	if err != nil || len(keys) != 3 {
		t.Fatalf("existing: %q %v, want the lock key, the resource and the register key", keys, err)
	}
	c.Close()
	if n := targettest.Clean(t, ctx, tgt, eps); n != 3 {
		t.Fatalf("clean: %d", n)
	}

	noCert, err := targets.LoadTLS(certs.CA, "", "", consulServerName)
	if err != nil {
		t.Fatal(err)
	}
	newTarget := func(a targets.Access) targets.Target { return New(Options{Access: a}) }
	targettest.CheckRefused(t, ctx, newTarget, ep, []string{token, wrong}, []targettest.Refused{
		{Name: "a wrong token", Access: targets.Access{TLS: withCert, Token: wrong}, Why: "ACL not found"},
		{Name: "no token", Access: targets.Access{TLS: withCert}, Why: "node:read"},
		{Name: "no client certificate", Access: targets.Access{TLS: noCert, Token: token}, Why: "certificate required"},
		{Name: "plain http", Access: targets.Access{Token: token}, Why: "HTTP request to an HTTPS server"},
	})
}

// uuid is a random UUID, the form of Consul's tokens.
func uuid() string {
	h := targettest.RandomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
