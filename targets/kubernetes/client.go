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

// clientset is a client of the API server at srv, whose connections
// dial (nil = plain TCP): with the staging cluster's kubeconfig, or with
// the credentials Connect gave. It is not rate limited: client-go's
// default of 5 requests a second would throttle the fenced writes.
func (t *Target) clientset(srv targets.Endpoint, dial targets.Dialer) (*kubernetes.Clientset, error) {
	t.mu.Lock()
	var cfg *rest.Config
	if t.staging.base != nil {
		cfg = rest.CopyConfig(t.staging.base)
	} else {
		cfg = &rest.Config{
			Host:            "https://" + srv.Addr,
			BearerToken:     t.creds.Token,
			TLSClientConfig: rest.TLSClientConfig{CAData: t.creds.CA},
		}
	}
	t.mu.Unlock()
	cfg.Timeout, cfg.QPS, cfg.UserAgent = requestTimeout, -1, "chaos"
	if dial != nil {
		cfg.Dial = func(ctx context.Context, _, addr string) (net.Conn, error) { return dial(ctx, addr) }
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("client of %s: %w", srv.Node, err)
	}
	return cs, nil
}

// firstClientset is a plain client of the first API server (the
// observer's, the namespace's and the probe's), and that server.
func (t *Target) firstClientset() (*kubernetes.Clientset, targets.Endpoint, error) {
	servers, err := t.conn()
	if err != nil {
		return nil, targets.Endpoint{}, err
	}
	cs, err := t.clientset(servers[0], nil)
	return cs, servers[0], err
}
