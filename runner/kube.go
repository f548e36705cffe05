package runner

import (
	"fmt"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/kubernetes"
)

// connectAPIServers gives target kubernetes the API servers compose
// started and their credentials (which stay in memory: the run directory
// never holds them); other targets need nothing.
func connectAPIServers(target targets.Target, cluster runCluster) error {
	kt, ok := target.(*kubernetes.Target)
	if !ok {
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
