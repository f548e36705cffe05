package nemesis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/chaos-election/chaos/history"
)

// Nemesis runs a fault schedule: wait Interval, pick a fault (from the one
// seeded random source), start it, hold it for its duration, heal it,
// again, until the context is done. One fault at a time. Every start and
// heal is recorded when in effect and flushed to disk. When the context
// has a deadline (the end of the run's fault window), a fault starts only
// if its start, its duration and its heal fit before it (see window.go).
type Nemesis struct {
	spec   Spec
	env    Env
	rng    *rand.Rand
	log    *slog.Logger
	budget func(FaultSpec) budget

	mu     sync.Mutex
	active []active // started and not yet healed
}

// active is a fault started and not yet healed, with its name as of its
// last change. The name is taken on the nemesis's own goroutine, where the
// fault's fields are written, and read under mu by [Nemesis.Active] from
// any other (the progress display): a fault's Name reads fields its Start
// fills in, so calling it from there would race with Start.
type active struct {
	f    Fault
	spec FaultSpec
	name string
}

// New checks the spec and returns a Nemesis.
func New(spec Spec, env Env, rng *rand.Rand) (*Nemesis, error) {
	if env.Cluster == nil || env.Rec == nil {
		return nil, errors.New("nemesis: a cluster and a recorder are required")
	}
	n := len(env.Cluster.Names())
	for i, f := range spec.Faults {
		if field, err := ValidateFault(f, n); err != nil {
			return nil, fmt.Errorf("nemesis: fault %d, %s: %w", i, field, err)
		}
	}
	log := env.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Nemesis{spec: spec, env: env, rng: rng, log: log, budget: budgetOf}, nil
}

// Run runs the schedule until ctx is done, then heals everything. A fault
// starts only while its start, duration and heal fit before ctx's
// deadline; once none does, Run waits for ctx and returns. Errors of
// single faults are recorded and logged and do not stop the schedule;
// Run returns them joined with any heal error, each a [*FaultError].
func (n *Nemesis) Run(ctx context.Context) error {
	var errs []error
	defer func() {
		hctx, cancel := healContext(ctx)
		defer cancel()
		// heal logs its failures; what failed stays active, for the
		// caller's own HealAll.
		_ = n.HealAll(hctx)
	}()
	if len(n.spec.Faults) == 0 {
		<-ctx.Done()
		return nil
	}
	for {
		if !wait(ctx, n.spec.Interval) {
			return errors.Join(errs...)
		}
		spec, ok := n.pick(ctx)
		if !ok {
			n.log.Info("no fault left that fits before the fault window ends", "faults", len(n.spec.Faults))
			<-ctx.Done()
			return errors.Join(errs...)
		}
		f, err := newFault(spec, n.rng)
		if err != nil {
			return errors.Join(append(errs, stamp(err, spec, StepStart))...)
		}
		if err := n.start(ctx, spec, f); err != nil {
			errs = append(errs, err)
		} else {
			wait(ctx, spec.Duration)
		}
		hctx, cancel := healContext(ctx)
		if err := n.heal(hctx, f); err != nil {
			errs = append(errs, err)
		}
		cancel()
		if ctx.Err() != nil {
			return errors.Join(errs...)
		}
	}
}

// start starts f and records it; a failed start is recorded as
// "fault-error" and f stays active so that it is healed.
func (n *Nemesis) start(ctx context.Context, spec FaultSpec, f Fault) error {
	n.mu.Lock()
	n.active = append(n.active, active{f: f, spec: spec, name: f.Name()})
	n.mu.Unlock()
	v, err := f.Start(ctx, n.env)
	n.rename(f)
	if err != nil {
		err = stamp(err, spec, StepStart)
		n.record(history.FFaultError, v, err)
		n.logFailure(err)
		return err
	}
	n.record(history.FFaultStart, v, nil)
	if s, ok := f.(starter); ok {
		s.started()
	}
	n.log.Info("fault in effect", "fault", f.Name())
	return nil
}

// heal heals f if it is still active.
func (n *Nemesis) heal(ctx context.Context, f Fault) error {
	n.mu.Lock()
	i := n.find(f)
	if i < 0 {
		n.mu.Unlock()
		return nil
	}
	spec := n.active[i].spec
	n.mu.Unlock()
	v, err := f.Heal(ctx, n.env)
	if err != nil {
		err = stamp(err, spec, StepHeal)
		n.record(history.FFaultError, v, err)
		n.logFailure(err)
		return err
	}
	n.mu.Lock()
	if i := n.find(f); i >= 0 {
		n.active = append(n.active[:i], n.active[i+1:]...)
	}
	n.mu.Unlock()
	n.record(history.FFaultHeal, v, nil)
	n.log.Info("fault healed", "fault", f.Name())
	return nil
}

// logFailure logs each failed step in plain words, and the raw error for
// debugging.
func (n *Nemesis) logFailure(err error) {
	for _, fe := range FaultErrors(err) {
		n.log.Warn(fe.Sentence(), "fault", fe.Fault, "step", fe.Step)
		n.log.Debug("fault error", "fault", fe.Fault, "step", fe.Step, "err", fe.Err)
	}
}

// HealAll heals every fault still active. It is idempotent; pass a context
// that outlives the run's cancellation.
func (n *Nemesis) HealAll(ctx context.Context) error {
	n.mu.Lock()
	faults := make([]Fault, 0, len(n.active))
	for _, a := range n.active {
		faults = append(faults, a.f)
	}
	n.mu.Unlock()
	var errs []error
	for i := len(faults) - 1; i >= 0; i-- {
		errs = append(errs, n.heal(ctx, faults[i]))
	}
	return errors.Join(errs...)
}

// Active names the faults in effect now.
func (n *Nemesis) Active() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]string, 0, len(n.active))
	for _, a := range n.active {
		out = append(out, a.name)
	}
	return out
}

// find returns the index of f in n.active, or -1; n.mu is held.
func (n *Nemesis) find(f Fault) int {
	for i, a := range n.active {
		if a.f == f {
			return i
		}
	}
	return -1
}

// rename takes f's name again after its Start filled in its victims.
func (n *Nemesis) rename(f Fault) {
	name := f.Name()
	n.mu.Lock()
	defer n.mu.Unlock()
	if i := n.find(f); i >= 0 {
		n.active[i].name = name
	}
}

func (n *Nemesis) record(f string, v history.Fault, err error) {
	op := history.Op{Process: history.Nemesis, Type: history.Info, F: f, Value: history.MustValue(v)}
	if len(v.Nodes) == 1 {
		op.Node = v.Nodes[0]
	}
	if err != nil {
		op.Err = err.Error()
	}
	n.env.Rec.Record(op)
	if ferr := n.env.Rec.Flush(); ferr != nil {
		n.log.Error("flush history", "err", ferr)
	}
}

// wait waits d or until ctx is done; false when ctx is done.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
