//go:build !nokube

package kubernetes

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/chaos-election/chaos/targets"
)

// staging is a staging cluster's connection, as its kubeconfig says.
type staging struct {
	base *rest.Config // nil until loaded
}

// load reads k and returns the API server to dial.
func (s *staging) load(k *targets.Kubeconfig) (targets.Endpoint, error) {
	cfg, addr, err := readKubeconfig(k)
	if err != nil {
		return targets.Endpoint{}, fmt.Errorf("kubernetes: kubeconfig %s: %w", k.Path, err)
	}
	s.base = cfg
	return targets.Endpoint{Node: "apiserver", Addr: addr}, nil
}

// CheckKubeconfig reads k as the run will: an error says what is wrong
// with it (ErrNoContext: its context is not in the file), never what the
// file holds.
func CheckKubeconfig(k *targets.Kubeconfig) error {
	_, _, err := readKubeconfig(k)
	return err
}

// readKubeconfig reads k as client-go does (clientcmd): the context's
// cluster and user, relative paths resolved against the file's folder,
// exec credential plugins and all. It returns the client config and the
// API server's host:port.
func readKubeconfig(k *targets.Kubeconfig) (*rest.Config, string, error) {
	raw, err := clientcmd.Load(k.Data)
	if err != nil {
		// The parser's message may quote the file, credentials and all:
		// only where it failed is kept.
		where := ""
		if m := lineRE.FindString(err.Error()); m != "" {
			where = " (at " + m + ")"
		}
		return nil, "", fmt.Errorf("is not a kubeconfig client-go can read%s", where)
	}
	origin, err := filepath.Abs(k.Path)
	if err != nil {
		return nil, "", err
	}
	for _, c := range raw.Clusters {
		c.LocationOfOrigin = origin
	}
	for _, a := range raw.AuthInfos {
		a.LocationOfOrigin = origin
	}
	if err := clientcmd.ResolveLocalPaths(raw); err != nil {
		return nil, "", err
	}
	if k.Context != "" {
		if _, ok := raw.Contexts[k.Context]; !ok {
			names := make([]string, 0, len(raw.Contexts))
			for n := range raw.Contexts {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, "", fmt.Errorf("%w %q (it has: %s)", ErrNoContext, k.Context, strings.Join(names, ", "))
		}
	}
	cfg, err := clientcmd.NewNonInteractiveClientConfig(*raw, k.Context, &clientcmd.ConfigOverrides{}, nil).ClientConfig()
	if err != nil {
		return nil, "", err
	}
	u, err := url.Parse(cfg.Host)
	if err != nil || u.Hostname() == "" {
		return nil, "", fmt.Errorf("the API server %q is not a URL with a host", cfg.Host)
	}
	port := u.Port()
	switch {
	case port != "":
	case u.Scheme == "http":
		port = "80"
	default:
		port = "443"
	}
	return cfg, net.JoinHostPort(u.Hostname(), port), nil
}

var lineRE = regexp.MustCompile(`line \d+`)

// probeAPIServer asks the staging cluster's API server whether it is
// ready (/readyz), with the kubeconfig's credentials.
func (t *Target) probeAPIServer(ctx context.Context) error {
	cs, srv, err := t.firstClientset()
	if err != nil {
		return err
	}
	if _, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx); err != nil {
		return fmt.Errorf("API server %s: /readyz: %w", srv.Addr, err)
	}
	return nil
}
