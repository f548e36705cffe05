//go:build !nokube

package lease

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/klog/v2"

	"github.com/chaos-election/chaos/targets"
)

// client-go's lease is whole seconds: the shortest it can run is 1 s.
const obsDuration = time.Second

func obsConfig(p string, clock targets.Clock) Config {
	return Config{Process: p, Duration: obsDuration, Clock: clock}
}

// TestObservedHandover: client-go leads, a second candidate does not take
// over a renewed lease however long it waits, then takes over soon after
// the first resigns, with a greater token. Clocks skewed an hour either
// way change nothing: client-go reads the real clock (the lease-timestamp
// recipe, with the same skew, takes over at once).
func TestObservedHandover(t *testing.T) {
	for _, c := range []struct {
		name         string
		clockA, clkB targets.Clock
	}{
		{"true clocks", nil, nil},
		{"skewed clocks", skewClock{-time.Hour}, skewClock{time.Hour}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := testCtx(t, 10*time.Second)
			m := NewMemStore()
			a, b := NewObserved(m.Client(), obsConfig("a", c.clockA)), NewObserved(m.Client(), obsConfig("b", c.clkB))
			closeAll(t, a, b)
			ta, err := a.Campaign(ctx)
			if err != nil || ta == 0 || ta != m.Epoch() {
				t.Fatalf("campaign: token %d, %v; epoch %d", ta, err, m.Epoch())
			}
			if rec, _ := record(t, m); rec.Holder != "a" || rec.Duration != obsDuration {
				t.Errorf("record %+v", rec)
			}
			bres := campaignAsync(ctx, b)
			time.Sleep(obsDuration + 300*time.Millisecond)
			select {
			case r := <-bres:
				t.Fatalf("b took over a renewed lease: %+v", r)
			default:
			}
			if targets.Closed(a.Lost()) {
				t.Fatalf("a lost: %s", a.LostReason())
			}
			if err := a.FencedWrite(ctx, ta, []byte("1")); err != nil {
				t.Fatalf("a's fenced write: %v", err)
			}
			resigned := time.Now()
			if err := a.Resign(ctx); err != nil {
				t.Fatalf("resign: %v", err)
			}
			if rec, _ := record(t, m); rec.Holder == "a" {
				t.Errorf("the resignation did not release the record: %+v", rec)
			}
			r := <-bres
			if r.err != nil || r.tok <= ta {
				t.Fatalf("b's campaign: %+v, want a token above %d", r, ta)
			}
			// client-go retries every RetryPeriod (2/15 s) × up to 2.2 jitter.
			if wait := r.at.Sub(resigned); wait > 600*time.Millisecond {
				t.Errorf("b took over %v after the resignation", wait)
			}
			if targets.Closed(a.Lost()) {
				t.Errorf("a resignation closed Lost: %s", a.LostReason())
			}
			if err := a.FencedWrite(ctx, ta, []byte("2")); !errors.Is(err, targets.ErrRejected) {
				t.Errorf("a's write after the takeover: %v", err)
			}
			if err := b.FencedWrite(ctx, r.tok, []byte("3")); err != nil {
				t.Errorf("b's write: %v", err)
			}
			if rec, _ := record(t, m); rec.Holder != "b" || rec.Transitions < 1 {
				t.Errorf("record after the takeover: %+v", rec)
			}
			// a campaigns again: it leads once b resigns, above b's token.
			ares := campaignAsync(ctx, a)
			if err := b.Resign(ctx); err != nil {
				t.Fatal(err)
			}
			if r2 := <-ares; r2.err != nil || r2.tok <= r.tok {
				t.Fatalf("a's second campaign: %+v, want a token above %d", r2, r.tok)
			}
		})
	}
}

// TestObservedRenewDeadline: a leader whose store hangs stops leading by
// client-go's renew deadline; the other takes over when the lease runs
// out, and the hung leader's token is fenced out.
func TestObservedRenewDeadline(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	m := NewMemStore()
	g := newGate(MemGet, MemAcquire, MemRenew)
	ca := m.Client()
	ca.SetBefore(g.fault)
	a, b := NewObserved(ca, obsConfig("a", nil)), NewObserved(m.Client(), obsConfig("b", nil))
	closeAll(t, a, b)
	ta, err := a.Campaign(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bres := campaignAsync(ctx, b)
	time.Sleep(300 * time.Millisecond)
	g.shut()
	hung := time.Now()
	if reason := waitLost(t, a, 4*obsDuration); reason != ReasonRenewDeadline {
		t.Errorf("lost: %q, want %q", reason, ReasonRenewDeadline)
	}
	lostAt := time.Now()
	r := <-bres
	if r.err != nil || r.tok <= ta {
		t.Fatalf("b's campaign: %+v, want a token above %d", r, ta)
	}
	// client-go signals the loss only after its release attempt, which
	// waits up to RenewDeadline on a hung store: b may lead first.
	t.Logf("a lost %v after its store hung; b took over %v after", lostAt.Sub(hung), r.at.Sub(hung))
	g.reopen()
	if err := a.FencedWrite(ctx, ta, []byte("late")); !errors.Is(err, targets.ErrRejected) {
		t.Errorf("the hung leader's write after the takeover: %v", err)
	}
}

// TestObservedCampaignEnds: a campaign ends with its context, with Close,
// and at once on a configuration client-go cannot run.
func TestObservedCampaignEnds(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	m := NewMemStore()
	a, b := NewObserved(m.Client(), obsConfig("a", nil)), NewObserved(m.Client(), obsConfig("b", nil))
	closeAll(t, a)
	if _, err := a.Campaign(ctx); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := b.Campaign(cctx); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, targets.ErrNotElected) {
		t.Errorf("campaign past its context: %v", err)
	}
	res := campaignAsync(ctx, b)
	time.Sleep(100 * time.Millisecond)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-res:
		if r.err == nil {
			t.Errorf("a closed candidate won %d", r.tok)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not end the campaign")
	}
	c := NewObserved(m.Client(), Config{Process: "c", Duration: 500 * time.Millisecond})
	closeAll(t, c)
	if _, err := c.Campaign(ctx); err == nil || !strings.Contains(err.Error(), "whole seconds") {
		t.Errorf("campaign with a sub-second lease: %v", err)
	}
}

func TestCheckObserved(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string // "" = fine
	}{
		{Config{Process: "a", Duration: time.Second}, ""},
		{Config{Process: "a", Duration: 15 * time.Second}, ""},
		{Config{Duration: time.Second}, "identity"},
		{Config{Process: "a", Duration: 999 * time.Millisecond}, "whole seconds"},
		{Config{Process: "a", Duration: 2 * time.Second, RenewDeadline: 2 * time.Second}, "renew deadline"},
		{Config{Process: "a", Duration: 2 * time.Second, RenewDeadline: time.Second, RetryPeriod: time.Second}, "retry period"},
	} {
		err := CheckObserved(c.cfg)
		if (err == nil) != (c.want == "") || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.cfg, err, c.want)
		}
	}
}

// levels is a slog handler that keeps the levels of what it gets.
type levels struct {
	mu   *sync.Mutex
	seen *[]slog.Level
}

func (l levels) Enabled(context.Context, slog.Level) bool { return true }
func (l levels) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	*l.seen = append(*l.seen, r.Level)
	return nil
}
func (l levels) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l levels) WithGroup(string) slog.Handler      { return l }

// TestObservedQuiet: client-go's logs reach neither klog's global output
// (stderr) nor the candidate's log above debug level.
func TestObservedQuiet(t *testing.T) {
	var kbuf bytes.Buffer
	klog.LogToStderr(false)
	klog.SetOutput(&kbuf)
	t.Cleanup(func() {
		klog.SetOutput(nil)
		klog.LogToStderr(true)
	})
	var (
		mu   sync.Mutex
		seen []slog.Level
	)
	ctx := testCtx(t, 10*time.Second)
	m := NewMemStore()
	cfg := obsConfig("a", nil)
	cfg.Log = slog.New(levels{&mu, &seen})
	a, b := NewObserved(m.Client(), cfg), NewObserved(m.Client(), obsConfig("b", nil))
	closeAll(t, a, b)
	if _, err := a.Campaign(ctx); err != nil {
		t.Fatal(err)
	}
	bres := campaignAsync(ctx, b)
	time.Sleep(300 * time.Millisecond)
	if err := a.Resign(ctx); err != nil {
		t.Fatal(err)
	}
	if r := <-bres; r.err != nil {
		t.Fatal(r.err)
	}
	klog.Flush()
	if kbuf.Len() > 0 {
		t.Errorf("client-go logged through klog:\n%s", kbuf.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Error("nothing reached the candidate's log")
	}
	for _, l := range seen {
		if l > slog.LevelDebug {
			t.Errorf("a log record at %v", l)
		}
	}
}
