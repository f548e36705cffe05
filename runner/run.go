package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/targets"
)

// teardownTimeout bounds healing, log collection and removal of the
// cluster; they run on a context that outlives cancellation.
const teardownTimeout = 90 * time.Second

// RunConfig is one `chaos run`.
type RunConfig struct {
	Plan plan.Plan
	// Root is the directory that holds runs ("runs").
	Root string
	// Progress receives the live progress line; IsTTY says whether it is a
	// terminal (one line redrawn) or not (plain lines).
	Progress io.Writer
	IsTTY    bool
	Log      *slog.Logger
	// NoIndex leaves ROOT/index.html alone (a matrix writes its own).
	NoIndex bool
	// DryRun prints what the run would do to Progress and does nothing:
	// no container, connection or key.
	DryRun    bool
	DryRunOut io.Writer // where the dry run goes (nil = Progress)
	// Reuse runs on an external cluster whose key prefix is not empty
	// (its keys are removed at the end, as the run's own are).
	Reuse bool
}

// RunOutcome is where a run left its files and what it concluded.
type RunOutcome struct {
	Dir string
	// ID is the run's id, on its containers and networks (io.chaos.run).
	ID          string
	Results     checkers.Results
	Interrupted bool
	// Warnings are results.json's: a fault that failed, in plain words.
	Warnings []string
}

// Run does one run from plan to verdict: bring the cluster up, run the
// workload and the nemesis for the plan's duration, heal everything, let
// the cluster recover, tear it down, check the history and write the
// results and the report. Whatever happens — an error, Ctrl-C — every
// fault is healed and every container and network it created is removed
// before Run returns. A run stopped by Ctrl-C returns an
// [*InterruptedError] saying when; stopped after its cluster was up, it
// still checks what was recorded and writes the results (out.Interrupted).
func Run(ctx context.Context, cfg RunConfig) (out RunOutcome, err error) {
	// Registered first, so it runs last: the teardown's errors are folded
	// into an interrupt as its clean-up failure.
	defer func() { err = foldInterrupt(err) }()
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pl := cfg.Plan
	if pl.Seed == 0 {
		pl.Seed = rand.Int64N(1<<53-1) + 1
	}
	if err := pl.Validate(); err != nil {
		return out, err
	}
	rng := rand.New(rand.NewPCG(uint64(pl.Seed), 0x9e3779b97f4a7c15))
	access, accessErr := pl.LoadAccess()
	target, err := pl.NewTarget(access)
	if err != nil {
		return out, BadInput(err)
	}
	if cfg.DryRun { // what would be done, then what is wrong with the access
		w := cfg.Progress
		if cfg.DryRunOut != nil {
			w = cfg.DryRunOut
		}
		return out, errors.Join(WriteDryRun(w, cfg.Root, pl, target), accessErr)
	}
	if accessErr != nil {
		return out, accessErr
	}

	if rt, ok := target.(targets.RegisterTarget); ok && pl.RegisterWorkload() && pl.Register.ReadMode == "" {
		pl.Register.ReadMode = rt.ReadModes()[0] // written out, so that the report says which
	}

	rd, err := NewRunDir(cfg.Root, pl.Name, time.Now())
	if err != nil {
		return out, fmt.Errorf("run directory: %w", err)
	}
	out.Dir, out.ID = rd.Path, rd.ID
	log = log.With("run", rd.ID)
	if err := writePlan(rd, pl); err != nil {
		return out, err
	}
	log.Info("run starting", "dir", rd.Path, "target", pl.Target, "cluster", pl.Cluster, "nodes", pl.Nodes, "seed", pl.Seed)

	clock := history.NewClock()
	rec, err := history.Create(rd.History(), clock, history.KeepOps())
	if err != nil {
		return out, err
	}
	defer func() { err = errors.Join(err, rec.Close()) }()

	upStart := time.Now()
	cluster, err := startCluster(ctx, pl, rd, target, log)
	if err != nil {
		if ctx.Err() != nil { // the user's Ctrl-C, not the harness' failure
			log.Debug("start-up cut short", "err", err)
			return out, &InterruptedError{Stage: StageStart, BeforeFaults: true}
		}
		return out, fmt.Errorf("cluster up: %w", err)
	}
	log.Info("cluster healthy", "took", time.Since(upStart).Round(time.Millisecond))
	// The nodes' logs are collected once: before the results are written
	// (so results.json and the report list them), or at the teardown of a
	// run that ended before that.
	collected := false
	collectLogs := func() error {
		if collected {
			return nil
		}
		collected = true
		tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownTimeout)
		defer cancel()
		return cluster.CollectLogs(tctx)
	}
	defer func() {
		tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownTimeout)
		defer cancel()
		err = errors.Join(err, collectLogs(), cluster.Down(tctx))
	}()

	if err := checkLinkMethods(pl, cluster, log); err != nil {
		return out, err
	}
	if err := connectAPIServers(target, cluster); err != nil {
		return out, err
	}
	eps := cluster.Endpoints()
	cutShort := func(err error) error {
		if ctx.Err() != nil {
			log.Debug("start-up cut short", "err", err)
			return &InterruptedError{Stage: StageClients, BeforeFaults: true}
		}
		return err
	}
	if pl.Cluster == plan.ClusterExternal {
		if err := claimNamespace(ctx, target, eps, cfg.Reuse, log); err != nil {
			return out, cutShort(err)
		}
		// Registered after the teardown's defer, so it runs first: the
		// keys go while the cluster is still whole and every fault healed.
		defer func() {
			tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownTimeout)
			defer cancel()
			err = errors.Join(err, cleanNamespace(tctx, target, eps, log))
		}()
	}
	var lk *links
	if pl.LinkFaults() {
		var leps []targets.Endpoint
		if leps, err = linkEndpoints(target, eps); err != nil {
			return out, err
		}
		if lk, err = startLinks(ctx, leps, rng, log); err != nil {
			return out, cutShort(err)
		}
		defer func() { err = errors.Join(err, lk.Close()) }()
	}
	wl, err := startWorkloads(ctx, pl, target, eps, lk, rec, rng, log)
	if err != nil {
		return out, cutShort(fmt.Errorf("start workload: %w", err))
	}
	stopWorkload := func() error {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownTimeout)
		defer cancel()
		return wl.Stop(sctx)
	}
	env := nemesis.Env{Cluster: cluster, Clients: wl, Rec: rec, Log: log}
	if pl.Election() {
		env.Clocks, env.Crashes = wl, wl
	}
	if lk != nil {
		env.Links = lk
	}
	if wl.servers != nil {
		env.Servers = wl.servers
	}
	nem, err := nemesis.New(pl.NemesisSpec(), env, rng)
	if err != nil {
		return out, errors.Join(BadInput(err), stopWorkload())
	}

	prog := NewProgress(cfg.Progress, cfg.IsTTY, log)
	total := pl.Duration + pl.Recovery
	stopProgress := watchProgress(ctx, prog, clock, total, rec, wl, nem)

	// Faults for the plan's duration; Run heals before it returns.
	begin := clock.Now()
	faultCtx, cancelFaults := context.WithTimeout(ctx, pl.Duration)
	nemErr := nem.Run(faultCtx)
	cancelFaults()
	healCtx, cancelHeal := context.WithTimeout(context.WithoutCancel(ctx), teardownTimeout)
	nemErr = errors.Join(nemErr, nem.HealAll(healCtx))
	cancelHeal()
	if nemErr != nil {
		log.Debug("nemesis", "err", nemErr) // each fault's failure was logged in plain words
	}

	// Recovery: everything healed, the workload goes on.
	stage := StageFaults
	if ctx.Err() == nil {
		stage = StageRecovery
		log.Info("all faults healed; recovery window", "for", pl.Recovery)
		select {
		case <-ctx.Done():
		case <-time.After(pl.Recovery):
		}
	}
	out.Interrupted = ctx.Err() != nil
	at := clock.Now() - begin
	wlErr := stopWorkload()
	stopProgress()
	if err := errors.Join(wlErr, rec.Flush()); err != nil {
		return out, fmt.Errorf("finish workload: %w", err)
	}
	if err := collectLogs(); err != nil {
		return out, fmt.Errorf("collect the nodes' logs: %w", err)
	}

	ops := rec.Ops()
	opts := pl.CheckerOptions()
	opts.Dir = rd.Path
	suite := checkers.Suite(opts, checkers.Workloads{Election: pl.Election(), Register: pl.RegisterWorkload()})
	out.Results = checkers.Run(context.WithoutCancel(ctx), ops, suite...)
	if out.Interrupted {
		out.Results.Validity = checkers.Worst(out.Results.Validity, checkers.Unknown)
	}
	// The saved plan carries the seed: running it again replays the schedule.
	replay := "chaos run --config " + rd.Plan()
	if out.Warnings, err = writeArtifacts(rd, pl, replay, clock.Start(), ops, out.Results, out.Interrupted, nemErr); err != nil {
		return out, err
	}
	if !cfg.NoIndex {
		if err := WriteRunsIndex(cfg.Root); err != nil {
			log.Warn("runs index", "err", err)
		}
	}
	log.Info("run finished", "verdict", out.Results.Validity, "ops", len(ops), "report", rd.Report())
	if out.Interrupted {
		return out, &InterruptedError{Stage: stage, BeforeFaults: countFaults(ops) == 0, At: at}
	}
	return out, nil
}

// countFaults is how many faults the history shows started.
func countFaults(ops []history.Op) int {
	n := 0
	for _, op := range ops {
		if op.F == history.FFaultStart && op.Type == history.Info {
			n++
		}
	}
	return n
}

// foldInterrupt makes an interrupt joined with the teardown's errors one
// [*InterruptedError] whose Cleanup holds them; other errors pass as they
// are.
func foldInterrupt(err error) error {
	var ie *InterruptedError
	if !errors.As(err, &ie) {
		return err
	}
	if err == error(ie) {
		return ie
	}
	var rest []error
	var walk func(error)
	walk = func(e error) {
		switch u := e.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		default:
			if !errors.Is(e, ie) { // ie itself, or an error wrapping it
				rest = append(rest, e)
			}
		}
	}
	walk(err)
	if len(rest) > 0 {
		ie.Cleanup = errors.Join(append([]error{ie.Cleanup}, rest...)...)
	}
	return ie
}

// watchProgress updates the progress display until the returned stop is
// called.
func watchProgress(ctx context.Context, p *Progress, clock *history.Clock, total time.Duration,
	rec *history.Writer, wl *clients, nem *nemesis.Nemesis) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	begin := clock.Now() // the cluster is up: the plan's time starts now
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			leader, _ := wl.Leader()
			p.Update(Status{Elapsed: clock.Now() - begin, Total: total, Ops: rec.Len(), Leader: leader, Faults: nem.Active(), Phase: "run"})
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		p.Done()
	}
}

func writePlan(rd RunDir, p plan.Plan) error {
	b, err := p.YAML()
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	if err := os.WriteFile(rd.Plan(), b, 0o644); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}
