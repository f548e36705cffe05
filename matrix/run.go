package matrix

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// IndexFile is the matrix's own index page, in its directory.
const IndexFile = reports.MatrixIndexHTML

// Config is one `chaos matrix`.
type Config struct {
	// Matrix is the whole list of runs ([plan.Matrix.Expand]).
	Matrix plan.Matrix
	// Shard is the part of it to run ([plan.Matrix.Sharded]); the zero
	// Shard runs it all.
	Shard plan.Shard
	// Root holds the matrix's directory ("runs").
	Root string
	// KeepGoing runs every plan even after one ended other than valid.
	KeepGoing bool
	Progress  io.Writer
	IsTTY     bool
	Log       *slog.Logger
	// AfterRun, when set, is called after each run, once matrix.json, the
	// index and junit.xml are rewritten: a sweep rewrites its own files
	// there. Its error ends the matrix as a failure to write those would.
	AfterRun func(Outcome) error
}

// Run runs the matrix's plans (those of its shard) one after another, each
// as `chaos run` would, under ROOT/NAME/STAMP/. Without KeepGoing it stops
// after the first run that is not valid. Ctrl-C stops the current run the
// way `chaos run` does and skips the rest.
func Run(ctx context.Context, cfg Config) (Outcome, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Now()
	md, err := runner.NewGroupDir(cfg.Root, cfg.Matrix.Name, now)
	if err != nil {
		return Outcome{}, fmt.Errorf("matrix directory: %w", err)
	}
	out, mine := newOutcome(md.Path, cfg.Matrix, cfg.Shard, now)
	keepGoing := cfg.KeepGoing || mine.KeepGoing
	for i, e := range mine.Entries {
		if ctx.Err() != nil {
			break
		}
		log.Info("matrix run", "run", fmt.Sprintf("%d/%d", i+1, len(mine.Entries)), "name", e.Plan.Name, "from", e.From, "seed", e.Plan.Seed)
		res, err := runner.Run(ctx, runner.RunConfig{Plan: e.Plan, Root: md.Path, Progress: cfg.Progress, IsTTY: cfg.IsTTY, Log: log, NoIndex: true})
		if err != nil && runner.ExitCode(err) != runner.ExitInterrupted {
			log.Error("matrix run failed", "name", e.Plan.Name, "err", err)
		}
		out.record(i, res, err)
		out.finish(ctx)
		if werr := out.write(); werr != nil {
			return out, werr
		}
		if cfg.AfterRun != nil {
			if err := cfg.AfterRun(out); err != nil {
				return out, err
			}
		}
		if !keepGoing && (err != nil || res.Results.Validity != checkers.Valid) {
			break
		}
	}
	out.finish(ctx)
	if err := out.write(); err != nil {
		return out, err
	}
	if err := runner.WriteRunsIndex(cfg.Root); err != nil {
		log.Warn("runs index", "err", err)
	}
	return out, nil
}

// newOutcome is a matrix before its first run, in dir: the runs of m that
// fall to shard s (returned as mine), each not run yet, with the whole
// list's digest, seed, count, total and cells.
func newOutcome(dir string, m plan.Matrix, s plan.Shard, started time.Time) (out Outcome, mine plan.Matrix) {
	mine = m.Sharded(s)
	out = Outcome{Dir: dir, Matrix: reports.Matrix{Name: m.Name, Started: started.UTC().Format(time.RFC3339),
		Digest: m.Digest, Seed: m.Seed, Count: max(m.Count, 1), Shard: s.String(), Total: len(m.Entries), Cells: cells(m)}}
	for _, e := range mine.Entries {
		out.Runs = append(out.Runs, reports.MatrixRun{Name: e.Plan.Name, Cell: e.Cell, Repeat: e.Repeat, Seed: e.Plan.Seed, Skipped: true})
	}
	out.results = make([]*reports.ResultsFile, len(mine.Entries))
	return out, mine
}

// cells lists the matrix's cells in order, once each.
func cells(m plan.Matrix) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range m.Entries {
		c := e.Cell
		if c == "" {
			c = e.Plan.Name
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// record sets what became of run i from runner.Run's outcome and error.
func (o *Outcome) record(i int, res runner.RunOutcome, err error) {
	r := &o.Runs[i]
	r.Skipped = false
	if res.Dir != "" {
		r.Dir, _ = filepath.Rel(o.Dir, res.Dir)
	}
	switch {
	case runner.ExitCode(err) == runner.ExitInterrupted && len(res.Results.Results) == 0: // cut short before its history was checked
		r.Skipped = true
		o.Interrupted = true
	case err != nil && runner.ExitCode(err) != runner.ExitInterrupted: // an interrupt whose clean-up failed is the harness'
		r.Error = err.Error()
	default:
		r.Validity = res.Results.Validity
		if rf, rerr := reports.ReadResults(filepath.Join(res.Dir, runner.ResultsFile)); rerr == nil {
			o.results[i] = &rf
			if rf.Seed != 0 {
				r.Seed = rf.Seed // the seed the run drew when its plan had none
			}
		}
		o.Interrupted = o.Interrupted || res.Interrupted
	}
}
