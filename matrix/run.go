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
	Matrix plan.Matrix
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

// Outcome is a matrix's directory and its summary, matrix.json.
type Outcome struct {
	Dir string
	reports.Matrix

	// results are the runs' results.json, by index into Runs; nil for a
	// run that left none.
	results []*reports.ResultsFile
}

// Run runs the matrix's plans one after another, each as `chaos run` would,
// under ROOT/NAME/STAMP/. Without KeepGoing it stops after the first run
// that is not valid. Ctrl-C stops the current run the way `chaos run` does
// and skips the rest.
func Run(ctx context.Context, cfg Config) (Outcome, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := cfg.Matrix
	now := time.Now()
	md, err := runner.NewGroupDir(cfg.Root, m.Name, now)
	if err != nil {
		return Outcome{}, fmt.Errorf("matrix directory: %w", err)
	}
	out := Outcome{Dir: md.Path, Matrix: reports.Matrix{Name: m.Name, Started: now.UTC().Format(time.RFC3339)}}
	for _, e := range m.Entries {
		out.Runs = append(out.Runs, reports.MatrixRun{Name: e.Plan.Name, Skipped: true})
	}
	out.results = make([]*reports.ResultsFile, len(m.Entries))
	keepGoing := cfg.KeepGoing || m.KeepGoing
	for i, e := range m.Entries {
		if ctx.Err() != nil {
			break
		}
		log.Info("matrix run", "run", fmt.Sprintf("%d/%d", i+1, len(m.Entries)), "name", e.Plan.Name, "from", e.From)
		res, err := runner.Run(ctx, runner.RunConfig{Plan: e.Plan, Root: md.Path, Progress: cfg.Progress, IsTTY: cfg.IsTTY, Log: log, NoIndex: true})
		r := &out.Runs[i]
		r.Skipped = false
		if res.Dir != "" {
			r.Dir, _ = filepath.Rel(md.Path, res.Dir)
		}
		switch {
		case runner.ExitCode(err) == runner.ExitInterrupted && len(res.Results.Results) == 0: // cut short before its history was checked
			r.Skipped = true
			out.Interrupted = true
		case err != nil && runner.ExitCode(err) != runner.ExitInterrupted: // an interrupt whose clean-up failed is the harness'

			r.Error = err.Error()
			log.Error("matrix run failed", "name", e.Plan.Name, "err", err)
		default:
			r.Validity = res.Results.Validity
			if rf, rerr := reports.ReadResults(filepath.Join(res.Dir, runner.ResultsFile)); rerr == nil {
				out.results[i] = &rf
			}
			out.Interrupted = out.Interrupted || res.Interrupted
		}
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
