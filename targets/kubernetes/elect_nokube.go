//go:build nokube

package kubernetes

import (
	"context"
	"errors"
	"log/slog"

	"github.com/chaos-election/chaos/targets"
)

// Available reports whether this binary has target kubernetes's
// candidates (client-go): not when built with -tags nokube.
const Available = false

// errNoClientGo is what a nokube binary says of target kubernetes.
var errNoClientGo = errors.New("target kubernetes needs client-go, which this chaos was built without (-tags nokube): build it with `go build ./cmd/chaos`")

// NewCandidate refuses: no client-go in this binary.
func (t *Target) NewCandidate(context.Context, targets.Endpoint, targets.CandidateConfig) (targets.Candidate, error) {
	return nil, errNoClientGo
}

// NewObserver refuses: no client-go in this binary.
func (t *Target) NewObserver(context.Context, []targets.Endpoint, *slog.Logger) (targets.Observer, error) {
	return nil, errNoClientGo
}
