package election

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/chaos-election/chaos/targets"
)

// resource is where a leader's writes go. An error wrapping
// targets.ErrRejected means the write certainly did not take effect; any
// other error is unknown.
type resource interface {
	write(ctx context.Context, c targets.Candidate, w resourceWrite) error
}

// resourceWrite is one write, also the value the backend stores.
type resourceWrite struct {
	Process string `json:"process"`
	Token   uint64 `json:"token"`
	Seq     int64  `json:"seq"`
}

func newResource(mode string) resource {
	switch mode {
	case ResourceNone:
		return noneResource{}
	case ResourceToken:
		return &tokenResource{}
	default:
		return backendResource{}
	}
}

// noneResource accepts every write: no fencing at all.
type noneResource struct{}

func (noneResource) write(context.Context, targets.Candidate, resourceWrite) error { return nil }

// tokenResource is the textbook fencing token: it rejects any token lower
// than the highest it has accepted.
type tokenResource struct {
	mu      sync.Mutex
	highest uint64
}

func (r *tokenResource) write(_ context.Context, _ targets.Candidate, w resourceWrite) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w.Token < r.highest {
		return fmt.Errorf("stale token %d < %d: %w", w.Token, r.highest, targets.ErrRejected)
	}
	r.highest = w.Token
	return nil
}

// backendResource is the backend's own conditional write.
type backendResource struct{}

func (backendResource) write(ctx context.Context, c targets.Candidate, w resourceWrite) error {
	b, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("encode write: %w", err)
	}
	return c.FencedWrite(ctx, w.Token, b)
}
