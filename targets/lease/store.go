package lease

import (
	"context"
	"errors"
	"log/slog"

	"github.com/chaos-election/chaos/targets"
)

// Store is one lease record on a backend, read and replaced by
// compare-and-set, with the epoch that fences its holders: each backend
// implements it on its own conditional write (etcd: a txn on the record
// key's mod revision; ZooKeeper: setData with the znode's version in a
// multi; Consul: a KV txn with the key's ModifyIndex).
//
// The record itself is opaque bytes to a Store (the lease package encodes
// it). Beside the record a Store keeps an epoch that only a takeover
// (Acquire) moves; the Token it returns is the epoch as the backend
// numbers it, strictly greater for each new holder, and FencedWrite
// accepts a write only while the epoch is still at that token. Renewals
// do not move the epoch: a holder's token is the same for its whole
// tenure.
//
// Every method may be called from several goroutines of one candidate.
type Store interface {
	// Get returns the record as it is now and its version. An absent
	// record is an error wrapping ErrNotFound.
	Get(ctx context.Context) (Snapshot, error)
	// Acquire makes data the record and moves the epoch, in one
	// conditional write: only if the record is still at prev (prev zero:
	// only if there is no record). It returns the new version and the new
	// token. A record that moved is an error wrapping ErrConflict; any
	// other error is an unknown outcome.
	Acquire(ctx context.Context, data []byte, prev Version) (Snapshot, error)
	// Renew replaces the record with data only if it is still at prev,
	// leaving the epoch alone, and returns the new version. ErrConflict as
	// for Acquire.
	Renew(ctx context.Context, data []byte, prev Version) (Version, error)
	// FencedWrite writes value to the resource inside the backend only if
	// the epoch is still at token; otherwise an error wrapping
	// targets.ErrRejected.
	FencedWrite(ctx context.Context, token uint64, value []byte) error
	// Close releases the Store's connections.
	Close() error
}

// Snapshot is the record as a Store read or wrote it.
type Snapshot struct {
	Data    []byte
	Version Version
	// Token is the epoch when the record was read or written: the token of
	// the holder that last acquired it.
	Token uint64
}

// Version identifies one state of the record for a compare-and-set: the
// backend's own number (etcd mod revision, ZooKeeper znode version + 1,
// Consul ModifyIndex). The zero Version means "no record".
type Version struct{ N int64 }

// IsZero reports whether v means "no record".
func (v Version) IsZero() bool { return v.N == 0 }

// Errors a Store returns.
var (
	// ErrNotFound: there is no record (yet).
	ErrNotFound = errors.New("lease record not found")
	// ErrConflict: the record is not at the version the write expected;
	// the write certainly did not happen.
	ErrConflict = errors.New("lease record changed: conditional write refused")
)

// StoreConfig configures one Store: the record and epoch keys live under
// the target's namespace, as the native recipe's keys do.
type StoreConfig struct {
	Process string         // for logs
	Dial    targets.Dialer // nil = plain TCP (the workload passes a freezable one)
	Log     *slog.Logger   // nil = discard
}

// Target is a backend that keeps lease records: each of etcd, ZooKeeper
// and Consul implements it beside its native recipe. One Store talks only
// to the node at ep, as a candidate does.
type Target interface {
	NewLeaseStore(ctx context.Context, ep targets.Endpoint, cfg StoreConfig) (Store, error)
}
