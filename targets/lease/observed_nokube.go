//go:build nokube

package lease

import (
	"context"
	"errors"

	"github.com/chaos-election/chaos/targets"
)

// ObservedAvailable reports whether this binary has lease-observed: not
// when built with -tags nokube (client-go left out, for a fast first
// build).
const ObservedAvailable = false

var errNoKube = errors.New("lease-observed: this chaos was built without client-go (-tags nokube, as ./scripts/run-default builds it for a fast first run); build it with `go build ./cmd/chaos` (./scripts/test does)")

// CheckObserved refuses: there is no client-go in this binary.
func CheckObserved(Config) error { return errNoKube }

// NewObserved is not in this binary; its Campaign fails.
func NewObserved(store Store, cfg Config) targets.Candidate {
	return &unavailable{store: store}
}

// unavailable is the lease-observed candidate of a binary without it.
type unavailable struct {
	store Store
	targets.Leadership
}

func (u *unavailable) Campaign(context.Context) (uint64, error) { return 0, errNoKube }
func (u *unavailable) Resign(context.Context) error             { return nil }
func (u *unavailable) FencedWrite(context.Context, uint64, []byte) error {
	return errNoKube
}
func (u *unavailable) Close() error { return u.store.Close() }
