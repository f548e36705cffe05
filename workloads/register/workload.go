package register

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/targets"
)

// Defaults of [Config].
const (
	DefaultKeys    = 5
	DefaultPerNode = 2
	DefaultEvery   = 20 * time.Millisecond
	valueRange     = 5 // values are 0..4: small, so that cas often finds its value
	retireBackoff  = 250 * time.Millisecond
)

// Recorder stamps and records an op (a *history.Writer).
type Recorder interface {
	Record(op history.Op) history.Op
}

// Config configures the workload.
type Config struct {
	Target    targets.RegisterTarget
	Endpoints []targets.Endpoint
	ReadMode  string        // "" = the target's default
	Keys      int           // 0 = DefaultKeys
	PerNode   int           // processes per node; 0 = DefaultPerNode
	Every     time.Duration // pause between a process's ops; 0 = DefaultEvery
	Seed      uint64        // seeds the ops each process picks
	// Dial, when set, gives the dialer of a node's clients: the run routes
	// them through its link proxy. nil = plain TCP.
	Dial func(node string) targets.Dialer
	Rec  Recorder
	Log  *slog.Logger // nil = discard
}

// Workload runs the register clients until Stop.
type Workload struct {
	cfg    Config
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	ops    int
}

// Start starts PerNode processes per endpoint.
func Start(ctx context.Context, cfg Config) (*Workload, error) {
	if cfg.Target == nil || cfg.Rec == nil || len(cfg.Endpoints) == 0 {
		return nil, errors.New("register workload: target, recorder and endpoints are required")
	}
	if cfg.Keys <= 0 {
		cfg.Keys = DefaultKeys
	}
	if cfg.PerNode <= 0 {
		cfg.PerNode = DefaultPerNode
	}
	if cfg.Every <= 0 {
		cfg.Every = DefaultEvery
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &Workload{cfg: cfg, cancel: cancel}
	slot := 0
	for _, ep := range cfg.Endpoints {
		for i := 1; i <= cfg.PerNode; i++ {
			slot++
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(slot)))
			name := fmt.Sprintf("%s/r%d", ep.Node, i)
			w.wg.Go(func() { w.runSlot(ctx, ep, name, rng) })
		}
	}
	return w, nil
}

// Stop ends every process (an op in flight completes as info) and waits.
func (w *Workload) Stop() {
	w.cancel()
	w.wg.Wait()
}

// Ops is the number of ops completed so far.
func (w *Workload) Ops() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ops
}

// runSlot runs the slot's processes one after another: a new one, with a
// new client, each time one retires.
func (w *Workload) runSlot(ctx context.Context, ep targets.Endpoint, name string, rng *rand.Rand) {
	for gen := 1; ctx.Err() == nil; gen++ {
		proc := name
		if gen > 1 {
			proc += "#" + strconv.Itoa(gen)
		}
		var dial targets.Dialer
		if w.cfg.Dial != nil {
			dial = w.cfg.Dial(ep.Node)
		}
		c, err := w.cfg.Target.NewRegister(ctx, ep, targets.RegisterConfig{ReadMode: w.cfg.ReadMode, Dial: dial, Log: w.cfg.Log})
		if err != nil {
			w.cfg.Log.Warn("new register client", "process", proc, "err", err)
		} else {
			w.runProcess(ctx, ep, proc, c, rng)
			_ = c.Close()
		}
		sleep(ctx, retireBackoff)
	}
}

// runProcess issues ops until one ends in info or ctx is done.
func (w *Workload) runProcess(ctx context.Context, ep targets.Endpoint, proc string, c targets.Register, rng *rand.Rand) {
	t := time.NewTicker(w.cfg.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if retired := w.op(ctx, ep, proc, c, rng); retired {
			return
		}
	}
}

// op performs one random op and records its invoke and completion; it
// reports whether the process retires (the op ended in info).
func (w *Workload) op(ctx context.Context, ep targets.Endpoint, proc string, c targets.Register, rng *rand.Rand) bool {
	key := "k" + strconv.Itoa(rng.IntN(w.cfg.Keys))
	record := func(t history.Type, f string, value any, err error) {
		op := history.Op{Process: proc, Node: ep.Node, Type: t, F: f, Value: history.MustValue(value)}
		if err != nil {
			op.Err = err.Error()
		}
		w.cfg.Rec.Record(op)
	}
	var (
		f        string
		invoke   map[string]any
		complete func() (history.Type, map[string]any, error)
	)
	switch n := rng.IntN(4); {
	case n < 2:
		f, invoke = history.FRead, map[string]any{"key": key}
		complete = func() (history.Type, map[string]any, error) {
			v, found, err := c.Read(ctx, key)
			if err != nil {
				return history.Info, invoke, err
			}
			out := map[string]any{"key": key, "value": nil}
			if found {
				n, perr := strconv.Atoi(string(v))
				if perr != nil {
					return history.Info, invoke, fmt.Errorf("read %s: value %q is not one this workload writes", key, v)
				}
				out["value"] = n
			}
			return history.OK, out, nil
		}
	case n < 3:
		v := rng.IntN(valueRange)
		f, invoke = history.FWrite, map[string]any{"key": key, "value": v}
		complete = func() (history.Type, map[string]any, error) {
			if err := c.Write(ctx, key, []byte(strconv.Itoa(v))); err != nil {
				return history.Info, invoke, err
			}
			return history.OK, invoke, nil
		}
	default:
		from, to := rng.IntN(valueRange), rng.IntN(valueRange)
		f, invoke = history.FCas, map[string]any{"key": key, "from": from, "to": to}
		complete = func() (history.Type, map[string]any, error) {
			err := c.CAS(ctx, key, []byte(strconv.Itoa(from)), []byte(strconv.Itoa(to)))
			switch {
			case err == nil:
				return history.OK, invoke, nil
			case errors.Is(err, targets.ErrCASFailed):
				return history.Fail, invoke, err
			default:
				return history.Info, invoke, err
			}
		}
	}
	record(history.Invoke, f, invoke, nil)
	t, out, err := complete()
	record(t, f, out, err)
	w.mu.Lock()
	w.ops++
	w.mu.Unlock()
	return t == history.Info
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
