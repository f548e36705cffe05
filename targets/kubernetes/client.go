//go:build !nokube

package kubernetes

import (
	"context"
	"fmt"
	"net"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/chaos-election/chaos/targets"
)

// requestTimeout bounds one request to an API server (client-go's
// elector bounds its renewals by RenewDeadline on top).
const requestTimeout = 5 * time.Second

// newClientset is a client of the API server at srv with creds, whose
// connections dial (nil = plain TCP). It is not rate limited: client-go's
// default of 5 requests a second would throttle the fenced writes.
func newClientset(srv targets.Endpoint, creds Credentials, dial targets.Dialer) (*kubernetes.Clientset, error) {
	cfg := &rest.Config{
		Host:            "https://" + srv.Addr,
		BearerToken:     creds.Token,
		TLSClientConfig: rest.TLSClientConfig{CAData: creds.CA},
		Timeout:         requestTimeout,
		QPS:             -1,
		UserAgent:       "chaos",
	}
	if dial != nil {
		cfg.Dial = func(ctx context.Context, _, addr string) (net.Conn, error) { return dial(ctx, addr) }
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("client of %s: %w", srv.Node, err)
	}
	return cs, nil
}
