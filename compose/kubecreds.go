package compose

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// KubeCredentials are what a client of target kubernetes's API servers
// needs: the serving certificate to trust and the bearer token of a user
// in system:masters. They exist only in the harness's memory and in the
// API servers' containers, never in the run directory.
type KubeCredentials struct {
	CA    []byte // PEM: the API servers' self-signed serving certificate
	Token string
}

// String keeps the token out of logs and errors.
func (KubeCredentials) String() string { return "KubeCredentials{token: redacted}" }

// KubeFiles are the files an API server reads, by name (tls.crt, tls.key,
// sa.key, sa.pub, tokens.csv), under /kube in its container.
type KubeFiles map[string][]byte

// kubeDir is where the API servers' files are written in their containers.
const kubeDir = "/kube"

// NewKubeCredentials makes a fresh service-account key pair, a serving
// certificate for the API servers' addresses (and their names), and a
// random token: the files every API server of the run reads, and what
// clients need. (The tests also give them to an API server started
// outside the harness, as a user's own.)
func NewKubeCredentials(names, ips []string) (KubeFiles, KubeCredentials, error) {
	sa, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, KubeCredentials{}, fmt.Errorf("service-account key: %w", err)
	}
	saPub, err := x509.MarshalPKIXPublicKey(&sa.PublicKey)
	if err != nil {
		return nil, KubeCredentials{}, fmt.Errorf("service-account key: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, KubeCredentials{}, fmt.Errorf("serving key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, KubeCredentials{}, fmt.Errorf("serving certificate: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              append([]string{"kubernetes", "kubernetes.default", "localhost"}, names...),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.0.0.1")},
	}
	for _, ip := range ips {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(ip))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, KubeCredentials{}, fmt.Errorf("serving certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, KubeCredentials{}, fmt.Errorf("serving key: %w", err)
	}
	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		return nil, KubeCredentials{}, fmt.Errorf("token: %w", err)
	}
	creds := KubeCredentials{
		CA:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Token: hex.EncodeToString(tok),
	}
	files := KubeFiles{
		"sa.key":     pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(sa)}),
		"sa.pub":     pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: saPub}),
		"tls.crt":    creds.CA,
		"tls.key":    pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
		"tokens.csv": []byte(creds.Token + `,chaos,chaos-uid,"system:masters"` + "\n"),
	}
	return files, creds, nil
}
