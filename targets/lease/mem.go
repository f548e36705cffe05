package lease

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/chaos-election/chaos/targets"
)

// MemStore is a lease record, its epoch and the fenced resource in
// memory: the [Store] semantics without a backend, for unit tests (this
// package's and the election workload's). Every write takes the next
// revision, as etcd numbers them: a record's Version is the revision of
// its last write and an Acquire's Token the revision of that Acquire, so
// both only grow. It is itself a Store shared by whoever holds it;
// [MemStore.Client] gives each candidate a handle of its own, with faults.
// Safe for concurrent use.
type MemStore struct {
	mu     sync.Mutex
	rev    int64  // the last revision handed out
	data   []byte // nil = no record
	ver    int64  // the record's version; 0 = no record
	epoch  uint64 // the token of the last Acquire; 0 = none yet
	writes []MemWrite
}

// MemWrite is one fenced write the store accepted.
type MemWrite struct {
	Token uint64
	Value []byte
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty store: no record, epoch 0.
func NewMemStore() *MemStore { return &MemStore{} }

// Get returns the record, its version and the epoch.
func (m *MemStore) Get(ctx context.Context) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, fmt.Errorf("lease get: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ver == 0 {
		return Snapshot{}, fmt.Errorf("lease get: %w", ErrNotFound)
	}
	return Snapshot{Data: bytes.Clone(m.data), Version: Version{N: m.ver}, Token: m.epoch}, nil
}

// Acquire replaces the record and moves the epoch if the record is at
// prev (prev zero: if there is none).
func (m *MemStore) Acquire(ctx context.Context, data []byte, prev Version) (Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return Snapshot{}, fmt.Errorf("lease acquire: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ver != prev.N {
		return Snapshot{}, fmt.Errorf("lease acquire: record at version %d, not %d: %w", m.ver, prev.N, ErrConflict)
	}
	m.rev++
	m.data, m.ver, m.epoch = bytes.Clone(data), m.rev, uint64(m.rev)
	return Snapshot{Data: bytes.Clone(data), Version: Version{N: m.ver}, Token: m.epoch}, nil
}

// Renew replaces the record if it is at prev, leaving the epoch alone.
func (m *MemStore) Renew(ctx context.Context, data []byte, prev Version) (Version, error) {
	if prev.IsZero() {
		return Version{}, errors.New("lease renew: no version to renew (a record is made by Acquire)")
	}
	if err := ctx.Err(); err != nil {
		return Version{}, fmt.Errorf("lease renew: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ver != prev.N {
		return Version{}, fmt.Errorf("lease renew: record at version %d, not %d: %w", m.ver, prev.N, ErrConflict)
	}
	m.rev++
	m.data, m.ver = bytes.Clone(data), m.rev
	return Version{N: m.ver}, nil
}

// FencedWrite keeps value as the resource if token is the epoch.
func (m *MemStore) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("lease fenced write: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if token == 0 || token != m.epoch {
		return fmt.Errorf("lease fenced write: epoch %d, not token %d: %w", m.epoch, token, targets.ErrRejected)
	}
	m.rev++
	m.writes = append(m.writes, MemWrite{Token: token, Value: bytes.Clone(value)})
	return nil
}

// Close does nothing: the store outlives the candidates that share it.
func (m *MemStore) Close() error { return nil }

// Epoch returns the current epoch: the token of the last Acquire.
func (m *MemStore) Epoch() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.epoch
}

// Writes returns the fenced writes accepted so far, in order.
func (m *MemStore) Writes() []MemWrite {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]MemWrite, len(m.writes))
	for i, w := range m.writes {
		out[i] = MemWrite{Token: w.Token, Value: bytes.Clone(w.Value)}
	}
	return out
}

// Client returns a new handle on the store, as one candidate's
// connection to the backend: its own faults, its own Close.
func (m *MemStore) Client() *MemClient { return &MemClient{m: m} }
