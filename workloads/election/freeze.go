package election

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Freeze pauses the candidate of node for d, like a long GC pause of a
// leader that still believes it leads: its connections stop at once
// (lease keepalives included) and its loop stops right after its next
// leadership check; after d both go on and the loop makes the write it
// was about to make, with the token it held. It returns once the freeze
// is in effect, with the paused process.
func (w *Workload) Freeze(ctx context.Context, node string, d time.Duration) (process string, err error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("freeze %s: %w", node, err)
	}
	if d <= 0 {
		return "", fmt.Errorf("freeze %s: duration %v", node, d)
	}
	s := w.slot(node)
	if s == nil {
		return "", fmt.Errorf("freeze %s: no such node", node)
	}
	// Holding w.mu keeps Stop from starting in between: the thawing
	// goroutine joins w.wg while the loops still hold it open.
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return "", fmt.Errorf("freeze %s: %w", node, errors.New("workload stopped"))
	}
	process, thawed, err := s.freeze(d)
	if err != nil {
		return "", err
	}
	w.cfg.Log.Info("client frozen", "node", node, "process", process, "for", d)
	w.wg.Go(func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-w.stopCh:
		case <-thawed:
		}
		s.thaw()
		w.cfg.Log.Info("client thawed", "node", node, "process", process)
	})
	return process, nil
}
