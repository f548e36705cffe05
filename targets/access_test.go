package targets_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

// tlsServer accepts one connection after another on loopback, requiring a
// client certificate from the CA of certs, and sends each the client's
// common name.
func tlsServer(t *testing.T, certs *targettest.Certs) string {
	t.Helper()
	return certs.ServeTLS(t, func(conn net.Conn) {
		tc := conn.(*tls.Conn)
		if tc.Handshake() != nil {
			return
		}
		fmt.Fprint(tc, tc.ConnectionState().PeerCertificates[0].Subject.CommonName)
	})
}

// hello dials addr with cfg (server name from the address, as a target's
// clients do) and returns what the server sent.
func hello(addr string, cfg *tls.Config) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d := tls.Dialer{Config: targets.TLSFor(cfg, addr)}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(conn)
	if buf.Len() == 0 && err == nil {
		err = fmt.Errorf("nothing received")
	}
	return buf.String(), err
}

func TestLoadTLS(t *testing.T) {
	certs := targettest.NewCerts(t, []net.IP{net.IPv4(127, 0, 0, 1)})
	addr := tlsServer(t, certs)

	cfg, err := targets.LoadTLS(certs.CA, certs.ClientCert, certs.ClientKey, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Certificates) != 1 || cfg.RootCAs == nil || cfg.MinVersion < tls.VersionTLS12 {
		t.Fatalf("config: %d certificates, CA pool %v, min version %x", len(cfg.Certificates), cfg.RootCAs != nil, cfg.MinVersion)
	}
	if got, err := hello(addr, cfg); err != nil || got != "chaos-test" {
		t.Fatalf("with the client certificate: %q, %v", got, err)
	}
	if cfg.ServerName != "" {
		t.Fatalf("TLSFor changed the loaded config: ServerName %q", cfg.ServerName)
	}

	noClient, err := targets.LoadTLS(certs.CA, "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := hello(addr, noClient); err == nil {
		t.Fatalf("without a client certificate the server answered %q", got)
	}
	wrongName, err := targets.LoadTLS(certs.CA, certs.ClientCert, certs.ClientKey, "other.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hello(addr, wrongName); err == nil || !strings.Contains(err.Error(), "other.example") {
		t.Fatalf("server name other.example: %v", err)
	}
	system, err := targets.LoadTLS("", certs.ClientCert, certs.ClientKey, "")
	if err != nil || system.RootCAs != nil {
		t.Fatalf("no CA file: pool %v, %v", system.RootCAs, err)
	}
	if _, err := hello(addr, system); err == nil {
		t.Fatal("the system pool trusted a throwaway CA")
	}
}

func TestLoadTLSErrorsNameTheFile(t *testing.T) {
	certs := targettest.NewCerts(t, nil, "localhost")
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name                string
		ca, cert, key, want string
	}{
		{"missing CA", missing, "", "", missing},
		{"CA not PEM", garbage, "", "", garbage},
		{"missing client certificate", certs.CA, missing, certs.ClientKey, missing},
		{"client certificate not PEM", certs.CA, garbage, certs.ClientKey, garbage},
		{"missing client key", certs.CA, certs.ClientCert, missing, missing},
		{"client key not PEM", certs.CA, certs.ClientCert, garbage, garbage},
		{"certificate without key", certs.CA, certs.ClientCert, "", certs.ClientCert},
		{"key without certificate", certs.CA, "", certs.ClientKey, certs.ClientKey},
		{"key of another certificate", certs.CA, certs.ClientCert, certs.ServerKey, certs.ServerKey},
	} {
		_, err := targets.LoadTLS(c.ca, c.cert, c.key, "")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %s", c.name, err, c.want)
		}
	}
}

func TestAccessRedactsSecrets(t *testing.T) {
	a := targets.Access{TLS: &tls.Config{}, Username: "harness", Password: "pw-s3cret",
		Token: "tok-9f8e7d", Digest: "zkuser:zk-pa55",
		Kubeconfig: &targets.Kubeconfig{Path: "/k/staging.yaml", Data: []byte("users: [{user: {token: kube-t0ken}}]")}}
	secrets := []string{"pw-s3cret", "tok-9f8e7d", "zk-pa55", "kube-t0ken"}
	var logText, logJSON bytes.Buffer
	slog.New(slog.NewTextHandler(&logText, nil)).Info("connect", "access", a, "ptr", &a)
	slog.New(slog.NewJSONHandler(&logJSON, nil)).Info("connect", "access", a)
	js, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	// As a field of an options struct, the way targets carry it.
	type options struct {
		Root   string
		Access targets.Access
	}
	o := options{Root: "/r", Access: a}
	shown := map[string]string{
		"fmt":           fmt.Sprintf("%v %+v %#v %s", a, a, a, a),
		"fmt pointer":   fmt.Sprintf("%v %+v %#v", &a, &a, &a),
		"fmt in struct": fmt.Sprintf("%v %+v %#v", o, o, &o),
		"slog text":     logText.String(),
		"slog json":     logJSON.String(),
		"json":          string(js),
		"kubeconfig":    fmt.Sprintf("%v %+v %#v %s", a.Kubeconfig, a.Kubeconfig, a.Kubeconfig, a.Kubeconfig),
	}
	for how, s := range shown {
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Errorf("%s shows the secret %q: %s", how, secret, s)
			}
		}
		if how == "kubeconfig" {
			if !strings.Contains(s, "/k/staging.yaml") {
				t.Errorf("%s does not name the file: %s", how, s)
			}
			continue
		}
		if !strings.Contains(s, "harness") || !strings.Contains(s, targets.Redacted) || !strings.Contains(s, "/k/staging.yaml") {
			t.Errorf("%s does not show the username and that secrets are set: %s", how, s)
		}
	}
	if s := (targets.Access{Username: "u"}).String(); strings.Contains(s, targets.Redacted) {
		t.Errorf("unset secrets shown as set: %s", s)
	}
	if s := fmt.Sprint(a); !strings.Contains(s, "zkuser:"+targets.Redacted) || !strings.Contains(s, "TLS:true") {
		t.Errorf("String %s: want the digest's user and TLS on", s)
	}
}

func TestTLSFor(t *testing.T) {
	if targets.TLSFor(nil, "h:1") != nil {
		t.Fatal("nil config became one")
	}
	base := &tls.Config{}
	for addr, want := range map[string]string{"10.0.0.2:2181": "10.0.0.2", "[::1]:2181": "::1", "zk1.example:2281": "zk1.example", "bare": "bare"} {
		if got := targets.TLSFor(base, addr).ServerName; got != want {
			t.Errorf("%s: server name %q, want %q", addr, got, want)
		}
	}
	if got := targets.TLSFor(&tls.Config{ServerName: "set"}, "10.0.0.2:1").ServerName; got != "set" {
		t.Errorf("a configured server name was replaced by %q", got)
	}
	if base.ServerName != "" {
		t.Error("TLSFor changed its argument")
	}
}

func TestAccessTake(t *testing.T) {
	opts := struct {
		Root   string
		Access targets.Access
	}{"/r", targets.Access{Username: "u", Password: "pw-s3cret", Token: "tok-s3cret", Digest: "d:dg-s3cret"}}
	taken := opts.Access.Take()
	if opts.Access != (targets.Access{}) {
		t.Fatalf("the access taken is still there: %v", opts.Access)
	}
	if taken.Username != "u" || taken.Password != "pw-s3cret" || taken.Token != "tok-s3cret" || taken.Digest != "d:dg-s3cret" {
		t.Fatalf("taken: %+v", *taken)
	}
	// What a target holds, printed: options in an unexported field, the
	// access apart behind a pointer.
	type target struct {
		opts   any
		access *targets.Access
	}
	if s := fmt.Sprintf("%v %+v %#v", target{opts, taken}, target{opts, taken}, target{opts, taken}); strings.Contains(s, "s3cret") {
		t.Fatalf("a printed target shows a secret: %s", s)
	}
}
