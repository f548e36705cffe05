//go:build !nokube

package lease

import (
	"context"
	"log/slog"

	"github.com/go-logr/logr"
)

// electorLogger is the logger client-go's LeaderElector logs through: it
// takes it from its context (klog's contextual logging, on by default),
// so nothing reaches klog's global logger and stderr. Its messages go to
// log at debug level at most (its "errors" are a backend's failed
// requests, which the history records); logr.Discard() sends them
// nowhere.
func electorLogger(log *slog.Logger) logr.Logger {
	return logr.FromSlogHandler(debugHandler{log.Handler()})
}

// debugHandler lowers every record above debug level to debug.
type debugHandler struct{ h slog.Handler }

func (d debugHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return d.h.Enabled(ctx, min(l, slog.LevelDebug))
}

func (d debugHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Level = min(r.Level, slog.LevelDebug)
	return d.h.Handle(ctx, r)
}

func (d debugHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return debugHandler{d.h.WithAttrs(attrs)}
}

func (d debugHandler) WithGroup(name string) slog.Handler { return debugHandler{d.h.WithGroup(name)} }
