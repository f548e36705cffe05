package runner

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

// How often the progress line is shown: redrawn in place on a terminal,
// printed as a new line otherwise (CI logs).
const (
	ttyEvery   = 200 * time.Millisecond
	plainEvery = 5 * time.Second
)

// ttyClear returns the cursor to the start of the line and clears it.
const ttyClear = "\r\x1b[K"

// Status is what the progress line shows.
type Status struct {
	Elapsed, Total time.Duration
	// Ops is how many ops the history holds.
	Ops int64
	// Leader is the current leader as the observer sees it; "" for none.
	Leader string
	// Faults are the faults in effect now.
	Faults []string
	// Phase is the run's phase ("run", "recovery", ...); a change is
	// always shown.
	Phase string
}

// Progress shows a run's progress: on a terminal one line redrawn in place
// at most five times a second, otherwise a plain line every five seconds
// and at every phase change. It is safe for concurrent use.
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	width int // terminal columns; 0 = unknown
	log   *slog.Logger
	now   func() time.Time

	shown     bool      // something was written
	shownAt   time.Time // when the last line was written
	phase     string    // phase of the last line written
	pending   *Status   // an update not yet shown
	done      bool
	writeFail bool // a write failed (logged once)
}

// NewProgress shows progress on w (nil: nowhere). isTTY says whether w is a
// terminal (see [IsTerminal]); log receives write errors.
func NewProgress(w io.Writer, isTTY bool, log *slog.Logger) *Progress {
	if w == nil {
		w = io.Discard
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Progress{w: w, tty: isTTY, log: log, now: time.Now}
	if f, ok := w.(interface{ Fd() uintptr }); ok && isTTY {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil {
			p.width = cols
		}
	}
	return p
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// Update shows s if it is time to (or its phase changed), else keeps it
// for later.
func (p *Progress) Update(s Status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	every := plainEvery
	if p.tty {
		every = ttyEvery
	}
	now := p.now()
	if !p.shown || s.Phase != p.phase || now.Sub(p.shownAt) >= every {
		p.show(s, now)
		return
	}
	s.Faults = append([]string(nil), s.Faults...)
	p.pending = &s
}

// Done shows the last update if it was held back and ends the line.
// Later updates are ignored.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	if p.pending != nil {
		p.show(*p.pending, p.now())
	}
	if p.tty && p.shown {
		p.write("\n")
	}
	p.done = true
}

func (p *Progress) show(s Status, now time.Time) {
	line := FormatStatus(s)
	if p.tty {
		if p.width > 1 {
			line = truncate(line, p.width-1)
		}
		p.write(ttyClear + line)
	} else {
		p.write(line + "\n")
	}
	p.shown, p.shownAt, p.phase, p.pending = true, now, s.Phase, nil
}

func (p *Progress) write(s string) {
	if _, err := io.WriteString(p.w, s); err != nil && !p.writeFail {
		p.writeFail = true
		p.log.Warn("progress display", "err", err)
	}
}

// FormatStatus is the progress line for s:
//
//	[ 12s/60s] ops 1234  leader n2  faults: partition(halves)
//
// with the phase after the time when it is not "run".
func FormatStatus(s Status) string {
	var b strings.Builder
	el := int64(s.Elapsed / time.Second)
	if s.Total > 0 {
		total := fmt.Sprintf("%ds", int64(s.Total/time.Second))
		fmt.Fprintf(&b, "[%*ds/%s]", len(total), el, total)
	} else {
		fmt.Fprintf(&b, "[%3ds]", el)
	}
	if s.Phase != "" && s.Phase != "run" {
		b.WriteString(" " + s.Phase + " ")
	}
	fmt.Fprintf(&b, " ops %d", s.Ops)
	leader := s.Leader
	if leader == "" {
		leader = "-"
	}
	b.WriteString("  leader " + leader)
	faults := "none"
	if len(s.Faults) > 0 {
		faults = strings.Join(s.Faults, ", ")
	}
	b.WriteString("  faults: " + faults)
	return b.String()
}

// truncate cuts s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
