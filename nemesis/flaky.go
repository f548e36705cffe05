package nemesis

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/netfault"
)

// flaky cuts the links between groups of nodes and heals them in turn,
// every period, for the fault's duration: a link that flaps. Start
// returns with the first cut in effect; Heal stops the flapping and
// leaves the links healed.
type flaky struct {
	spec FaultSpec
	rng  *rand.Rand

	mu     sync.Mutex
	stop   chan struct{} // closed by Heal
	done   chan struct{} // closed when the flapping goroutine ended
	flaps  int           // cuts made, the first included
	grudge Grudge
}

func newFlaky(spec FaultSpec, rng *rand.Rand) *flaky { return &flaky{spec: spec, rng: rng} }

func (f *flaky) Name() string { return linkFaultName(f.spec) }

func (f *flaky) Start(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: "flaky", Shape: f.spec.Shape, Victim: f.spec.Victim, Period: f.spec.Period.String()}
	if f.spec.OneWay() {
		v.Direction = DirectionOneWay
	}
	groups, err := linkGroups(f.rng, env, f.spec.Shape, f.spec.Victim, &v)
	if err != nil {
		return v, err
	}
	g := Grudge(groupsShape(groups, netfault.Effect{Drop: true}, f.spec.OneWay()).Grudge())
	v.Grudge = g
	action := "cut the links between " + groupsText(groups)
	asked := time.Now()
	if err := env.Cluster.Cut(ctx, g); err != nil {
		return v, failed("", action, err)
	}
	v.Took = tookSince(asked)
	f.mu.Lock()
	f.grudge, f.flaps = g, 1
	stop, done := make(chan struct{}), make(chan struct{})
	f.stop, f.done = stop, done
	f.mu.Unlock()
	go f.flap(context.WithoutCancel(ctx), env, stop, done)
	return v, nil
}

// flap heals and cuts again every period until Heal stops it.
func (f *flaky) flap(ctx context.Context, env Env, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	f.mu.Lock()
	g := f.grudge
	f.mu.Unlock()
	t := time.NewTicker(f.spec.Period)
	defer t.Stop()
	cut := true
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		var err error
		cctx, cancel := context.WithTimeout(ctx, f.spec.Period+time.Second)
		if cut {
			err = env.Cluster.Mend(cctx)
		} else {
			err = env.Cluster.Cut(cctx, g)
		}
		cancel()
		if err != nil {
			// Logged, and tried again at the next tick; the heal mends.
			if env.Log != nil {
				env.Log.Warn("flaky link: a change failed", "cut", !cut, "err", err)
			}
			continue
		}
		if !cut {
			f.mu.Lock()
			f.flaps++
			f.mu.Unlock()
		}
		cut = !cut
	}
}

func (f *flaky) Heal(ctx context.Context, env Env) (history.Fault, error) {
	v := history.Fault{Kind: "flaky"}
	f.mu.Lock()
	stop, done := f.stop, f.done
	f.stop = nil
	f.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	if err := env.Cluster.Mend(ctx); err != nil {
		return v, failed("", "mend the flaky links", err)
	}
	f.mu.Lock()
	v.Flaps = f.flaps
	f.mu.Unlock()
	return v, nil
}
