//go:build nokube

package kubernetes

import (
	"context"

	"github.com/chaos-election/chaos/targets"
)

// staging is empty: a nokube binary reads no kubeconfig.
type staging struct{}

func (*staging) load(*targets.Kubeconfig) (targets.Endpoint, error) {
	return targets.Endpoint{}, errNoClientGo
}

// CheckKubeconfig refuses: no client-go in this binary.
func CheckKubeconfig(*targets.Kubeconfig) error { return errNoClientGo }

func (t *Target) probeAPIServer(context.Context) error { return errNoClientGo }
