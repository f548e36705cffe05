//go:build !nokube

package kubernetes

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chaos-election/chaos/targets"
)

// A kubeconfig is read as client-go reads it: the named context's cluster
// and user, files relative to the kubeconfig's folder, the server's
// default port.
func TestReadKubeconfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.crt"), []byte("PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := []byte(`apiVersion: v1
kind: Config
current-context: a
clusters:
- {name: one, cluster: {server: "https://api.staging.example", certificate-authority: ca.crt, tls-server-name: kube-apiserver}}
- {name: two, cluster: {server: "http://10.9.8.7:8080/prefix"}}
users:
- {name: u, user: {token: t0k}}
contexts:
- {name: a, context: {cluster: one, user: u, namespace: ignored}}
- {name: b, context: {cluster: two, user: u}}
`)
	k := &targets.Kubeconfig{Path: filepath.Join(dir, "config"), Data: data}
	cfg, addr, err := readKubeconfig(k)
	if err != nil {
		t.Fatal(err)
	}
	if addr != "api.staging.example:443" || cfg.BearerToken != "t0k" || cfg.ServerName != "kube-apiserver" ||
		cfg.CAFile != filepath.Join(dir, "ca.crt") {
		t.Errorf("context a: %s, token %q, server name %q, CA %q", addr, cfg.BearerToken, cfg.ServerName, cfg.CAFile)
	}
	k.Context = "b"
	if _, addr, err := readKubeconfig(k); err != nil || addr != "10.9.8.7:8080" {
		t.Errorf("context b: %s, %v", addr, err)
	}
	tgt := New(Options{Namespace: "ns", Kubeconfig: k})
	srv, err := tgt.APIServer()
	if err != nil || srv.Addr != "10.9.8.7:8080" {
		t.Errorf("APIServer: %v, %v", srv, err)
	}
	if d, err := tgt.DialedFor(targets.Endpoint{Node: "n3", Addr: "ignored:1"}); err != nil || d != (targets.Endpoint{Node: "n3", Addr: "10.9.8.7:8080"}) {
		t.Errorf("DialedFor: %v, %v", d, err)
	}
}
