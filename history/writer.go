package history

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// FlushInterval is the longest a recorded op stays in the writer's buffer.
const FlushInterval = 100 * time.Millisecond

// Writer records ops as a history: it gives each op its index and time
// under one lock (so time never decreases with index), appends it to a
// buffered JSONL stream, and flushes the buffer at least every
// [FlushInterval] and whenever [Writer.Flush] is called (the nemesis calls
// it at every fault). A process that dies loses at most the last
// FlushInterval of ops, and may leave a cut-off last line, which [Read]
// accepts with a warning.
//
// A Writer is safe for concurrent use.
type Writer struct {
	mu     sync.Mutex
	clock  *Clock
	w      *bufio.Writer
	f      io.Writer
	closer io.Closer
	next   int64
	err    error
	buf    []byte
	ops    []Op // kept in memory when keep is set, for the checkers
	keep   bool
	done   chan struct{}
	wg     sync.WaitGroup
}

// WriterOption configures a [Writer].
type WriterOption func(*Writer)

// KeepOps makes the writer keep every recorded op in memory, so that a run
// can check its history without reading the file back.
func KeepOps() WriterOption { return func(w *Writer) { w.keep = true } }

// Create opens path for writing (truncating it) and returns a Writer on it.
func Create(path string, clock *Clock, opts ...WriterOption) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create history: %w", err)
	}
	w := NewWriter(f, clock, opts...)
	w.closer = f
	return w, nil
}

// NewWriter returns a Writer appending to out. Close stops its flusher.
func NewWriter(out io.Writer, clock *Clock, opts ...WriterOption) *Writer {
	w := &Writer{clock: clock, w: bufio.NewWriterSize(out, 64<<10), f: out, done: make(chan struct{})}
	for _, o := range opts {
		o(w)
	}
	w.wg.Add(1)
	go w.flushLoop()
	return w
}

func (w *Writer) flushLoop() {
	defer w.wg.Done()
	t := time.NewTicker(FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
			_ = w.Flush()
		}
	}
}

// Record stamps op with the next index and the clock's time, appends it,
// and returns the stamped op. Errors writing are sticky and reported by
// [Writer.Err], Flush and Close; recording never blocks a client on disk
// trouble beyond the buffered write itself.
func (w *Writer) Record(op Op) Op {
	w.mu.Lock()
	defer w.mu.Unlock()
	op.Index = w.next
	w.next++
	if w.clock != nil {
		op.Time = w.clock.Now()
	}
	w.append(op)
	return op
}

// Append writes an op that already has its index and time (from a
// history being copied); the index must be the next one.
func (w *Writer) Append(op Op) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if op.Index != w.next {
		return fmt.Errorf("append op: index %d, want %d", op.Index, w.next)
	}
	w.next++
	w.append(op)
	return w.err
}

func (w *Writer) append(op Op) {
	if w.keep {
		w.ops = append(w.ops, op)
	}
	if w.err != nil {
		return
	}
	w.buf = w.buf[:0]
	b, err := json.Marshal(&op)
	if err != nil {
		w.err = fmt.Errorf("encode op %d: %w", op.Index, err)
		return
	}
	w.buf = append(b, '\n')
	if _, err := w.w.Write(w.buf); err != nil {
		w.err = fmt.Errorf("write history: %w", err)
	}
}

// Ops returns a copy of the ops recorded so far (only with [KeepOps]).
func (w *Writer) Ops() []Op {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Op(nil), w.ops...)
}

// Len is the number of ops recorded so far.
func (w *Writer) Len() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.next
}

// Flush writes the buffer out (and syncs it when the output is a file).
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked()
}

func (w *Writer) flushLocked() error {
	if w.err != nil {
		return w.err
	}
	if w.w.Buffered() == 0 {
		return nil
	}
	if err := w.w.Flush(); err != nil {
		w.err = fmt.Errorf("flush history: %w", err)
	}
	return w.err
}

// Err is the first error the writer met, if any.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close flushes, stops the flusher and closes the file it created.
func (w *Writer) Close() error {
	select {
	case <-w.done:
		return w.Err()
	default:
		close(w.done)
	}
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.flushLocked()
	if w.closer != nil {
		if f, ok := w.closer.(*os.File); ok {
			err = errors.Join(err, f.Sync())
		}
		err = errors.Join(err, w.closer.Close())
	}
	return err
}
