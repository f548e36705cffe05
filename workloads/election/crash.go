package election

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/chaos-election/chaos/history"
)

// CrashReason is the reason of the lost that ends a crashed leader's
// leadership, and the error of an op a crash left unknown.
const CrashReason = "the process crashed (client-kill)"

// life is one process's life: every op the process records goes through
// it, so that nothing of it is recorded once it crashed, and it knows
// what a crash leaves behind (an op outstanding, a leadership).
type life struct {
	mu      sync.Mutex
	dead    bool
	cancel  context.CancelFunc // ends the process's context
	open    *history.Op        // its invoke still without completion
	leading bool
	token   uint64
}

// record records op through w unless the process crashed, keeping track
// of its outstanding op and leadership; false when it was dropped.
func (l *life) record(w *Workload, op history.Op) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		return false
	}
	switch {
	case op.Type == history.Invoke:
		o := op
		l.open = &o
	case l.open != nil && l.open.F == op.F: // its completion
		l.open = nil
		switch {
		case op.Type == history.Info:
			l.leading = false // retired
		case op.Type == history.OK && op.F == history.FCampaign:
			l.leading = true
		case op.Type == history.OK && op.F == history.FResign:
			l.leading = false
		}
	case op.F == history.FLost:
		l.leading = false
	}
	w.record(op)
	return true
}

// granted notes the token of the leadership the process was just
// granted (recorded through record).
func (l *life) granted(tok uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.token = tok
}

// whileAlive runs fn unless the process crashed, holding off a crash
// until fn returns: an in-process act (the harness's own resource) is
// either before the crash or never.
func (l *life) whileAlive(fn func() error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dead {
		return errCrashed
	}
	return fn()
}

var errCrashed = errors.New(CrashReason)

func (l *life) isLeading() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.leading
}

func (l *life) crashed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dead
}

// kill ends the process at once: nothing of it is recorded any more (the
// caller then cuts its connections and ends its context). It returns what records the end the crash left in
// the history: its outstanding op completed as info (unknown: a crashed
// process never learns how it ended), else the lost of the leadership it
// held; nothing for a process that neither waited on an op nor led. The
// caller records it once the crash's fault-start is recorded, so that the
// end follows the fault that caused it.
func (l *life) kill(w *Workload, node, process string) func() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dead = true
	var end *history.Op
	switch {
	case l.open != nil:
		end = &history.Op{Process: process, Node: node, Type: history.Info, F: l.open.F, Value: l.open.Value, Err: CrashReason}
		if l.open.F == history.FCampaign {
			end.Value = nil
		}
	case l.leading:
		end = &history.Op{Process: process, Node: node, Type: history.Info, F: history.FLost,
			Value: history.MustValue(history.Lost{Token: l.token, Reason: CrashReason})}
	}
	return sync.OnceFunc(func() {
		if end != nil {
			w.record(*end)
		}
	})
}

// Crash is the crash of node's candidate process (a client-kill): it
// stops at once, never resigning or releasing anything; its connections
// are closed as a dead process's sockets are, and it dials no more; its
// own timers (the [targets.Pause] of the lease recipes and client-go)
// never fire again; it records nothing more. Its lease or session in the
// backend stays until it expires. The node has no candidate until
// [Workload.Restart]. It returns the crashed process and end, which
// records in the history how the crash ended the process (see life.kill):
// call it once the crash is recorded; Restart calls it too, and it
// records once.
func (w *Workload) Crash(ctx context.Context, node string) (process string, end func(), err error) {
	if err := ctx.Err(); err != nil {
		return "", nil, fmt.Errorf("crash %s's client: %w", node, err)
	}
	s := w.slot(node)
	if s == nil {
		return "", nil, fmt.Errorf("crash %s's client: no such node", node)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return "", nil, fmt.Errorf("crash %s's client: workload stopped", node)
	}
	process, end, err = s.crash(w)
	if err != nil {
		return "", nil, err
	}
	w.cfg.Log.Info("client crashed", "node", node, "process", process)
	return process, end, nil
}

// Restart starts a fresh candidate process on node after its crash: a new
// process id, a new candidate (a new session or elector, new
// connections), which campaigns anew. It records the crashed process's
// end first if that is still to be recorded, and returns the new process.
// It is idempotent: on a node not crashed it returns the current process.
// It acts in this process at once, so it works on a context the run has
// already cancelled.
func (w *Workload) Restart(_ context.Context, node string) (process string, err error) {
	s := w.slot(node)
	if s == nil {
		return "", fmt.Errorf("restart %s's client: no such node", node)
	}
	process, restarted := s.restart()
	if restarted {
		w.cfg.Log.Info("client restarted", "node", node, "process", process)
	}
	return process, nil
}
