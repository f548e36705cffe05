//go:build nokube

package kubernetes

import (
	"context"

	"github.com/chaos-election/chaos/targets"
)

// Existing refuses: no client-go in this binary.
func (t *Target) Existing(context.Context, []targets.Endpoint, int) ([]string, error) {
	return nil, errNoClientGo
}

// Clean refuses: no client-go in this binary.
func (t *Target) Clean(context.Context, []targets.Endpoint) (int, error) { return 0, errNoClientGo }
