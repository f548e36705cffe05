package lease

import (
	"context"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// sleep waits d on the real clock, then through pause (a paused process's
// timer fires only when the pause ends); it reports false when ctx ended
// first.
func sleep(ctx context.Context, d time.Duration, pause targets.Pause) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	}
	return pause.Wait(ctx) == nil
}

// pauseOf is cfg's pause, or one that never pauses.
func pauseOf(p targets.Pause) targets.Pause {
	if p == nil {
		return targets.NoPause{}
	}
	return p
}
