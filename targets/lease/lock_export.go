//go:build !nokube

package lease

import (
	"log/slog"

	rl "k8s.io/client-go/tools/leaderelection/resourcelock"
)

// NewLock is the resourcelock.Interface lease-observed gives client-go on
// store, for identity id: an absent record is a Kubernetes NotFound, a
// write at a version the record has left a Conflict (AlreadyExists for a
// Create of a record that exists). It is exported for the backends'
// conformance tests, which check it against each real backend.
func NewLock(store Store, id string, log *slog.Logger) rl.Interface {
	return newStoreLock(store, id, logger(log))
}
