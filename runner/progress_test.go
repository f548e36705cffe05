package runner

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for the progress display.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = time.Unix(1000, 0).Add(d)
}

var opsShown = regexp.MustCompile(` ops (\d+) `)

func newTestProgress(w *bytes.Buffer, tty bool) (*Progress, *fakeClock) {
	clock := &fakeClock{}
	clock.Set(0)
	p := NewProgress(w, tty, nil)
	p.now = clock.Now
	return p, clock
}

func st(elapsed time.Duration, ops int64, phase string, faults ...string) Status {
	return Status{Elapsed: elapsed, Total: time.Minute, Ops: ops, Leader: "n2", Faults: faults, Phase: phase}
}

func TestFormatStatus(t *testing.T) {
	for _, tc := range []struct {
		s    Status
		want string
	}{
		{Status{Elapsed: 12500 * time.Millisecond, Total: time.Minute, Ops: 1234, Leader: "n2", Faults: []string{"partition(halves)"}, Phase: "run"},
			"[ 12s/60s] ops 1234  leader n2  faults: partition(halves)"},
		{Status{Elapsed: 62 * time.Second, Total: 70 * time.Second, Ops: 9, Phase: "recovery"},
			"[ 62s/70s] recovery  ops 9  leader -  faults: none"},
		{Status{Elapsed: 5 * time.Second, Total: 300 * time.Second, Faults: []string{"pause(n1)", "partition(halves)"}},
			"[   5s/300s] ops 0  leader -  faults: pause(n1), partition(halves)"},
		{Status{Elapsed: 7 * time.Second, Ops: 1, Leader: "n1"},
			"[  7s] ops 1  leader n1  faults: none"},
	} {
		if got := FormatStatus(tc.s); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

func TestProgressTTY(t *testing.T) {
	var buf bytes.Buffer
	p, clock := newTestProgress(&buf, true)
	p.Update(st(0, 0, "run")) // first: shown
	clock.Set(100 * time.Millisecond)
	p.Update(st(100*time.Millisecond, 5, "run")) // too soon: held
	clock.Set(150 * time.Millisecond)
	p.Update(st(150*time.Millisecond, 7, "run")) // too soon: replaces the held one
	clock.Set(250 * time.Millisecond)
	p.Update(st(250*time.Millisecond, 9, "run")) // 250ms after the first: shown
	clock.Set(300 * time.Millisecond)
	p.Update(st(300*time.Millisecond, 11, "heal")) // phase change: shown at once
	clock.Set(350 * time.Millisecond)
	p.Update(st(350*time.Millisecond, 13, "heal", "pause(n1)"))
	p.Done()
	p.Done()                             // idempotent
	p.Update(st(time.Second, 99, "run")) // after Done: ignored

	out := buf.String()
	if !strings.HasPrefix(out, ttyClear) || !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("want redraws ending in one newline, got %q", out)
	}
	var ops []string
	for _, seg := range strings.Split(strings.TrimSuffix(out, "\n"), ttyClear)[1:] {
		m := opsShown.FindStringSubmatch(seg)
		if m == nil {
			t.Fatalf("segment %q has no ops", seg)
		}
		ops = append(ops, m[1])
	}
	if got, want := strings.Join(ops, ","), "0,9,11,13"; got != want {
		t.Errorf("ops shown %s, want %s; output %q", got, want, out)
	}
	if !strings.Contains(out, "faults: pause(n1)\n") {
		t.Errorf("the held last update was not shown by Done: %q", out)
	}
}

func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	p, clock := newTestProgress(&buf, false)
	for i := 0; i <= 12; i++ { // one update a second for 12 s
		clock.Set(time.Duration(i) * time.Second)
		p.Update(st(time.Duration(i)*time.Second, int64(i), "run"))
	}
	clock.Set(12500 * time.Millisecond)
	p.Update(st(12500*time.Millisecond, 100, "recovery")) // phase change: at once
	clock.Set(13 * time.Second)
	p.Update(st(13*time.Second, 101, "recovery")) // held; shown by Done
	p.Done()

	if strings.Contains(buf.String(), "\r") || strings.Contains(buf.String(), "\x1b") {
		t.Errorf("terminal control codes in plain output: %q", buf.String())
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := []string{
		"[  0s/60s] ops 0  leader n2  faults: none",
		"[  5s/60s] ops 5  leader n2  faults: none",
		"[ 10s/60s] ops 10  leader n2  faults: none",
		"[ 12s/60s] recovery  ops 100  leader n2  faults: none",
		"[ 13s/60s] recovery  ops 101  leader n2  faults: none",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestProgressDoneWithNothingHeld(t *testing.T) {
	var buf bytes.Buffer
	p, _ := newTestProgress(&buf, false)
	p.Update(st(0, 1, "run"))
	p.Done()
	if got := strings.Count(buf.String(), "\n"); got != 1 {
		t.Errorf("got %d lines, want 1: %q", got, buf.String())
	}
	var tty bytes.Buffer
	p, _ = newTestProgress(&tty, true)
	p.Done()
	if tty.Len() != 0 {
		t.Errorf("Done without updates wrote %q", tty.String())
	}
}

func TestProgressTruncatesToWidth(t *testing.T) {
	var buf bytes.Buffer
	p, _ := newTestProgress(&buf, true)
	p.width = 30
	p.Update(st(0, 1, "run", "partition(isolate-leader)", "pause(n3)"))
	line := strings.TrimPrefix(buf.String(), ttyClear)
	if n := len([]rune(line)); n != 29 || !strings.HasSuffix(line, "…") {
		t.Errorf("line %q has %d runes, want 29 ending in …", line, n)
	}
}

func TestProgressHeldFaultsAreCopied(t *testing.T) {
	var buf bytes.Buffer
	p, clock := newTestProgress(&buf, false)
	p.Update(st(0, 0, "run"))
	faults := []string{"pause(n1)"}
	clock.Set(time.Second)
	p.Update(st(time.Second, 1, "run", faults...))
	faults[0] = "changed"
	p.Done()
	if !strings.Contains(buf.String(), "pause(n1)") || strings.Contains(buf.String(), "changed") {
		t.Errorf("held status shares the caller's slice: %q", buf.String())
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write([]byte) (int, error) { w.n++; return 0, errors.New("disk full") }

type countHandler struct {
	mu sync.Mutex
	n  int
}

func (h *countHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countHandler) Handle(context.Context, slog.Record) error {
	h.mu.Lock()
	h.n++
	h.mu.Unlock()
	return nil
}
func (h *countHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countHandler) WithGroup(string) slog.Handler      { return h }

func TestProgressWriteErrorLoggedOnce(t *testing.T) {
	w := &failWriter{}
	h := &countHandler{}
	p := NewProgress(w, false, slog.New(h))
	for i := range 3 {
		p.Update(st(0, int64(i), "phase"+string(rune('a'+i))))
	}
	p.Done()
	if w.n != 3 || h.n != 1 {
		t.Errorf("%d writes and %d log records, want 3 and 1", w.n, h.n)
	}
}

func TestProgressNilWriter(t *testing.T) {
	p := NewProgress(nil, true, nil)
	p.Update(st(0, 1, "run"))
	p.Done()
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
}

func TestProgressConcurrent(t *testing.T) {
	var buf bytes.Buffer
	p, _ := newTestProgress(&buf, false)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 100 {
				p.Update(st(0, int64(g*100+i), "run"))
			}
		})
	}
	wg.Wait()
	p.Done()
	if !strings.HasPrefix(buf.String(), "[  0s/60s] ops ") {
		t.Errorf("output %q", buf.String())
	}
}
