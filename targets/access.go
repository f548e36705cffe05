package targets

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
)

// Access is how a target's clients connect to a cluster that wants TLS or
// credentials. Its secrets are never printed: String, GoString, LogValue
// and MarshalJSON redact them. Each backend reads only its own fields.
type Access struct {
	TLS      *tls.Config // nil: plain TCP
	Username string      // etcd user
	Password string      // etcd password (secret)
	Token    string      // Consul ACL token (secret)
	Digest   string      // ZooKeeper digest auth "user:password" (secret)
	// Kubeconfig is a staging Kubernetes cluster's kubeconfig (target
	// kubernetes); its content is a secret, its path is shown.
	Kubeconfig *Kubeconfig
}

// Redacted stands for a secret that is set wherever an [Access] is shown.
const Redacted = "[redacted]"

// redacted returns Redacted for a secret that is set, "" for one that is not.
func redacted(secret string) string {
	if secret == "" {
		return ""
	}
	return Redacted
}

// digestShown is the digest with its password redacted: "user:[redacted]".
func (a Access) digestShown() string {
	if a.Digest == "" {
		return ""
	}
	if user, _, ok := strings.Cut(a.Digest, ":"); ok {
		return user + ":" + Redacted
	}
	return Redacted
}

// String shows the access with its secrets redacted.
func (a Access) String() string {
	return fmt.Sprintf("{TLS:%t Username:%s Password:%s Token:%s Digest:%s Kubeconfig:%s}",
		a.TLS != nil, a.Username, redacted(a.Password), redacted(a.Token), a.digestShown(), a.Kubeconfig.String())
}

// GoString is String for %#v.
func (a Access) GoString() string {
	return fmt.Sprintf("targets.Access{TLS:%t, Username:%q, Password:%q, Token:%q, Digest:%q, Kubeconfig:%q}",
		a.TLS != nil, a.Username, redacted(a.Password), redacted(a.Token), a.digestShown(), a.Kubeconfig.String())
}

// LogValue is the access as a log group, secrets redacted.
func (a Access) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("tls", a.TLS != nil),
		slog.String("username", a.Username),
		slog.String("password", redacted(a.Password)),
		slog.String("token", redacted(a.Token)),
		slog.String("digest", a.digestShown()),
		slog.String("kubeconfig", a.Kubeconfig.String()),
	)
}

// MarshalJSON writes the access with its secrets redacted, so that no
// results file carries them.
func (a Access) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		TLS      bool   `json:"tls"`
		Username string `json:"username,omitempty"`
		Password string `json:"password,omitempty"`
		Token    string `json:"token,omitempty"`
		Digest   string `json:"digest,omitempty"`
		Kube     string `json:"kubeconfig,omitempty"`
	}{a.TLS != nil, a.Username, redacted(a.Password), redacted(a.Token), a.digestShown(), a.Kubeconfig.String()})
}

var (
	_ fmt.Stringer   = Access{}
	_ fmt.GoStringer = Access{}
	_ slog.LogValuer = Access{}
	_ json.Marshaler = Access{}
)

// Take moves the access out of a: it returns a copy behind a pointer and
// zeroes a. A target keeps its options in an unexported field, which fmt
// prints without calling String, so it keeps the access apart, behind a
// pointer, which fmt prints as an address.
func (a *Access) Take() *Access {
	taken := *a
	*a = Access{}
	return &taken
}

// LoadTLS builds a client TLS config from PEM files: caFile (the servers'
// CA; "" = the system pool), certFile and keyFile (the client certificate;
// both or neither), serverName (the name the servers' certificates must
// carry; "" = the host of the address dialed). Errors name the file.
func LoadTLS(caFile, certFile, keyFile, serverName string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: serverName}
	if caFile != "" {
		b, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("tls: CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("tls: CA file %s: no PEM certificate in it", caFile)
		}
		cfg.RootCAs = pool
	}
	switch {
	case certFile == "" && keyFile == "":
		return cfg, nil
	case certFile == "":
		return nil, fmt.Errorf("tls: client key %s given without its certificate", keyFile)
	case keyFile == "":
		return nil, fmt.Errorf("tls: client certificate %s given without its key", certFile)
	}
	certPEM, err := readPEM("client certificate", certFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := readPEM("client key", keyFile)
	if err != nil {
		return nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("tls: client certificate %s with key %s: %w", certFile, keyFile, err)
	}
	cfg.Certificates = []tls.Certificate{pair}
	return cfg, nil
}

// readPEM reads file, which must hold PEM data; what names it in errors.
func readPEM(what, file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("tls: %s: %w", what, err)
	}
	if blk, _ := pem.Decode(b); blk == nil {
		return nil, fmt.Errorf("tls: %s %s: %w", what, file, errNoPEM)
	}
	return b, nil
}

var errNoPEM = errors.New("no PEM data in it")

// TLSFor returns cfg for dialing addr: a copy whose ServerName is addr's
// host when cfg names no server. Clients that do TLS over a connection
// they dialed themselves (ZooKeeper) need it; nil stays nil.
func TLSFor(cfg *tls.Config, addr string) *tls.Config {
	if cfg == nil {
		return nil
	}
	c := cfg.Clone()
	if c.ServerName == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		c.ServerName = host
	}
	return c
}
