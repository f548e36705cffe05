package sweep

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/chaos-election/chaos/matrix"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// Config is one `chaos sweep`.
type Config struct {
	// Sweep is the whole sweep with its repeats ([plan.Sweep.Expand]);
	// Shard is the part of it to run here (the zero Shard: all of it).
	Sweep plan.Sweep
	Shard plan.Shard
	// Root holds the sweep's directory ("runs").
	Root     string
	Progress io.Writer
	IsTTY    bool
	Log      *slog.Logger
}

// Outcome is a sweep's directory and sweep.json.
type Outcome struct {
	Dir string
	reports.Sweep
	// matrix is the directory's matrix.json: the runs' verdict and exit
	// code, and whether the sweep was interrupted.
	matrix reports.Matrix
}

// Run runs the sweep's cells, every repeat, as a matrix
// ([matrix.Run], which never stops at an unsafe run: those are what a
// sweep looks for) under ROOT/NAME/STAMP/, and after each run rewrites
// sweep.json, sweep.html and junit.xml there. Ctrl-C stops the current
// run as `chaos run` does and skips the rest; the files cover what ran.
func Run(ctx context.Context, cfg Config) (Outcome, error) {
	spec := Spec(cfg.Sweep, cfg.Shard)
	var out Outcome
	after := func(mo matrix.Outcome) error {
		var err error
		out, err = build(spec, mo.Dir, mo.Matrix)
		return err
	}
	mo, err := matrix.Run(ctx, matrix.Config{Matrix: cfg.Sweep.Matrix, Shard: cfg.Shard, Root: cfg.Root, KeepGoing: true,
		Progress: cfg.Progress, IsTTY: cfg.IsTTY, Log: cfg.Log, AfterRun: after})
	if mo.Dir == "" {
		return out, err
	}
	// matrix.Run's last word rewrote junit.xml as a matrix's: the sweep's
	// goes over it, with the final verdict.
	if werr := after(mo); err == nil {
		err = werr
	}
	return out, err
}

// Err carries the sweep's exit code out of a command, as a matrix's:
// nil for 0, a verdict error for 1 and 2, a harness error for 255, an
// interruption for 130.
func (o Outcome) Err() error {
	err := matrix.Outcome{Dir: o.Dir, Matrix: o.matrix}.Err()
	var ie *runner.InterruptedError
	switch {
	case errors.As(err, &ie):
		named := *ie
		named.What = "the sweep"
		return &named
	case o.matrix.ExitCode == runner.ExitHarness:
		return errors.New("the harness failed on a run of the sweep (see its sweep.html)")
	}
	return err
}
