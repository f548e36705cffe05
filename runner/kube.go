package runner

import (
	"fmt"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/kubernetes"
)

// connectAPIServers gives target kubernetes the API servers compose
// started and their credentials (which stay in memory: the run directory
// never holds them); other targets, and a staging Kubernetes cluster
// (whose kubeconfig says where its API server is), need nothing.
func connectAPIServers(target targets.Target, cluster runCluster) error {
	kt, ok := target.(*kubernetes.Target)
	if _, external := cluster.(externalCluster); !ok || external {
		return nil
	}
	cc, ok := cluster.(composeCluster)
	if !ok {
		return fmt.Errorf("target kubernetes: the cluster is not one chaos started")
	}
	var eps []targets.Endpoint
	for _, s := range cc.APIServers() {
		eps = append(eps, targets.Endpoint{Node: s.Name, Addr: s.ClientAddr})
	}
	creds := cc.KubeCredentials()
	if err := kt.Connect(eps, kubernetes.Credentials{CA: creds.CA, Token: creds.Token}); err != nil {
		return fmt.Errorf("target kubernetes: %w", err)
	}
	return nil
}

// linkEndpoints are what each node's clients dial, which the link proxies
// go in front of: the nodes themselves, or, on target kubernetes, the
// API server each candidate talks to.
func linkEndpoints(target targets.Target, eps []targets.Endpoint) ([]targets.Endpoint, error) {
	d, ok := target.(interface {
		DialedFor(targets.Endpoint) (targets.Endpoint, error)
	})
	if !ok {
		return eps, nil
	}
	out := make([]targets.Endpoint, len(eps))
	for i, ep := range eps {
		var err error
		if out[i], err = d.DialedFor(ep); err != nil {
			return nil, fmt.Errorf("link proxy for %s: %w", ep.Node, err)
		}
	}
	return out, nil
}
