package zookeeper

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"

	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

// fakeSecureServer answers srvr over TLS, with a client certificate
// required, as a ZooKeeper server's secure client port does.
func fakeSecureServer(t *testing.T, certs *targettest.Certs) string {
	t.Helper()
	return certs.ServeTLS(t, func(conn net.Conn) {
		cmd := make([]byte, 4)
		if _, err := io.ReadFull(conn, cmd); err != nil || string(cmd) != "srvr" {
			return
		}
		io.WriteString(conn, "Zookeeper version: 3.8.4\nMode: leader\nNode count: 5\n")
	})
}

func TestProbeOverTLS(t *testing.T) {
	ctx := context.Background()
	certs := targettest.NewCerts(t, []net.IP{net.IPv4(127, 0, 0, 1)})
	ep := targets.Endpoint{Node: "n1", Addr: fakeSecureServer(t, certs)}
	withCert, err := targets.LoadTLS(certs.CA, certs.ClientCert, certs.ClientKey, "")
	if err != nil {
		t.Fatal(err)
	}
	tgt := New(Options{Access: targets.Access{TLS: withCert}})
	if err := tgt.Probe(ctx, ep); err != nil {
		t.Fatalf("probe over TLS: %v", err)
	}
	if leads, err := tgt.Leads(ctx, ep); err != nil || !leads {
		t.Fatalf("leads over TLS: %v %v", leads, err)
	}
	noCert, err := targets.LoadTLS(certs.CA, "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := New(Options{Access: targets.Access{TLS: noCert}}).Probe(ctx, ep); err == nil {
		t.Fatal("probe without a client certificate passed")
	}
	if err := New(Options{}).Probe(ctx, ep); err == nil {
		t.Fatal("plain probe of a TLS port passed")
	}
}

func TestDialTLSUsesTheDialer(t *testing.T) {
	certs := targettest.NewCerts(t, []net.IP{net.IPv4(127, 0, 0, 1)})
	addr := fakeSecureServer(t, certs)
	cfg, err := targets.LoadTLS(certs.CA, certs.ClientCert, certs.ClientKey, "")
	if err != nil {
		t.Fatal(err)
	}
	dialed := 0
	dial := func(ctx context.Context, a string) (net.Conn, error) {
		dialed++
		return plainDial(ctx, a)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := dialTLS(ctx, addr, dial, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, ok := conn.(*tls.Conn); !ok || dialed != 1 {
		t.Fatalf("connection %T, dialer called %d times", conn, dialed)
	}
}
