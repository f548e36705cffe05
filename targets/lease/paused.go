package lease

import (
	"context"
	"fmt"

	"github.com/chaos-election/chaos/targets"
)

// pausedStore is a Store whose record calls wait through a client pause
// before they start: a paused process reads and writes nothing, whoever
// calls (the own renewal loop, or client-go's). The connections are
// frozen too, so a call already under way when the pause began ends only
// after it.
type pausedStore struct {
	Store
	pause targets.Pause
}

// withPause is store with its calls waiting through pause; store itself
// when pause never pauses.
func withPause(store Store, pause targets.Pause) Store {
	if _, never := pause.(targets.NoPause); never || pause == nil {
		return store
	}
	return &pausedStore{Store: store, pause: pause}
}

func (s *pausedStore) Get(ctx context.Context) (Snapshot, error) {
	if err := s.pause.Wait(ctx); err != nil {
		return Snapshot{}, fmt.Errorf("get: paused: %w", err)
	}
	return s.Store.Get(ctx)
}

func (s *pausedStore) Acquire(ctx context.Context, data []byte, prev Version) (Snapshot, error) {
	if err := s.pause.Wait(ctx); err != nil {
		return Snapshot{}, fmt.Errorf("acquire: paused: %w", err)
	}
	return s.Store.Acquire(ctx, data, prev)
}

func (s *pausedStore) Renew(ctx context.Context, data []byte, prev Version) (Version, error) {
	if err := s.pause.Wait(ctx); err != nil {
		return Version{}, fmt.Errorf("renew: paused: %w", err)
	}
	return s.Store.Renew(ctx, data, prev)
}
