package lease

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// MemOp names a Store method, for a [MemFault].
type MemOp string

// The Store methods a MemClient passes through its faults.
const (
	MemGet         MemOp = "get"
	MemAcquire     MemOp = "acquire"
	MemRenew       MemOp = "renew"
	MemFencedWrite MemOp = "fenced-write"
)

// A MemFault is called around each call of a [MemClient] with the method
// it is. Before the call, a non-nil error fails it without it reaching
// the store (the request was lost); after it, a non-nil error replaces
// its result although it took effect (the reply was lost: an unknown
// outcome). It may block to model a slow link or a paused process, and
// should then return when ctx is done.
type MemFault func(ctx context.Context, op MemOp) error

// ErrMemClosed is the error of a call on a closed MemClient.
var ErrMemClosed = errors.New("lease mem store: client closed")

// MemClient is one candidate's handle on a [MemStore]: a Store whose
// calls go through the faults set on it, and that stops working when
// closed (the store itself stays).
type MemClient struct {
	m *MemStore

	mu            sync.Mutex
	before, after MemFault
	closed        bool
}

var _ Store = (*MemClient)(nil)

// SetBefore sets the fault run before each call; nil = none.
func (c *MemClient) SetBefore(f MemFault) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.before = f
}

// SetAfter sets the fault run after each call that reached the store;
// nil = none.
func (c *MemClient) SetAfter(f MemFault) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.after = f
}

// Store returns the store the client is a handle on.
func (c *MemClient) Store() *MemStore { return c.m }

// enter runs the before fault of op.
func (c *MemClient) enter(ctx context.Context, op MemOp) error {
	c.mu.Lock()
	closed, before := c.closed, c.before
	c.mu.Unlock()
	if closed {
		return fmt.Errorf("lease %s: %w", op, ErrMemClosed)
	}
	if before != nil {
		if err := before(ctx, op); err != nil {
			return fmt.Errorf("lease %s: %w", op, err)
		}
	}
	return nil
}

// leave runs the after fault of op; err is the call's own error.
func (c *MemClient) leave(ctx context.Context, op MemOp, err error) error {
	c.mu.Lock()
	after := c.after
	c.mu.Unlock()
	if after == nil {
		return err
	}
	if ferr := after(ctx, op); ferr != nil {
		return fmt.Errorf("lease %s: %w", op, ferr)
	}
	return err
}

// Get is MemStore.Get through the faults.
func (c *MemClient) Get(ctx context.Context) (Snapshot, error) {
	if err := c.enter(ctx, MemGet); err != nil {
		return Snapshot{}, err
	}
	snap, err := c.m.Get(ctx)
	if err = c.leave(ctx, MemGet, err); err != nil {
		return Snapshot{}, err
	}
	return snap, nil
}

// Acquire is MemStore.Acquire through the faults.
func (c *MemClient) Acquire(ctx context.Context, data []byte, prev Version) (Snapshot, error) {
	if err := c.enter(ctx, MemAcquire); err != nil {
		return Snapshot{}, err
	}
	snap, err := c.m.Acquire(ctx, data, prev)
	if err = c.leave(ctx, MemAcquire, err); err != nil {
		return Snapshot{}, err
	}
	return snap, nil
}

// Renew is MemStore.Renew through the faults.
func (c *MemClient) Renew(ctx context.Context, data []byte, prev Version) (Version, error) {
	if err := c.enter(ctx, MemRenew); err != nil {
		return Version{}, err
	}
	v, err := c.m.Renew(ctx, data, prev)
	if err = c.leave(ctx, MemRenew, err); err != nil {
		return Version{}, err
	}
	return v, nil
}

// FencedWrite is MemStore.FencedWrite through the faults.
func (c *MemClient) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	if err := c.enter(ctx, MemFencedWrite); err != nil {
		return err
	}
	return c.leave(ctx, MemFencedWrite, c.m.FencedWrite(ctx, token, value))
}

// Close makes the client's later calls fail with ErrMemClosed.
func (c *MemClient) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}
