package matrix

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// Outcome is a matrix's directory and its summary, matrix.json.
type Outcome struct {
	Dir string
	reports.Matrix

	// results are the runs' results.json, by index into Runs; nil for a
	// run that left none.
	results []*reports.ResultsFile
	// merged is set for [Merge]'s outcome.
	merged bool
}

// finish sets the matrix's verdict and exit code from its runs: invalid if
// any run found a bug (1); else 255 if the harness failed on any; else
// unknown (2) if any run was unknown, interrupted or not run; else valid.
// The exit code of an interrupted matrix is runner.ExitInterrupted (130)
// whatever its runs found; matrix.json and the index keep the verdict.
func (o *Outcome) finish(ctx context.Context) {
	var vs []checkers.Validity
	harness, skipped := false, false
	for _, r := range o.Runs {
		switch {
		case r.Error != "":
			harness = true
		case r.Skipped:
			skipped = true
		default:
			vs = append(vs, r.Validity)
		}
	}
	if ctx.Err() != nil {
		o.Interrupted = true
	}
	w := checkers.Valid
	if len(vs) > 0 {
		w = checkers.Worst(vs...)
	}
	if w == checkers.Valid && (skipped || o.Interrupted || len(vs) == 0) {
		w = checkers.Unknown
	}
	o.Validity, o.ExitCode = string(w), w.ExitCode()
	if harness && w != checkers.Invalid {
		o.Validity, o.ExitCode = "error", runner.ExitHarness
	}
	if o.Interrupted {
		o.ExitCode = runner.ExitInterrupted
	}
}

// Err carries the matrix's exit code out of a command: nil for 0, a
// [runner.VerdictError] for 1 and 2, a harness error for 255.
func (o Outcome) Err() error {
	switch o.ExitCode {
	case runner.ExitValid:
		return nil
	case runner.ExitHarness:
		return errors.New("the harness failed on a run of the matrix (see its index.html)")
	case runner.ExitInterrupted:
		done := 0
		for _, r := range o.Runs {
			if !r.Skipped {
				done++
			}
		}
		if o.merged {
			return &runner.InterruptedError{What: "the merge", Stage: fmt.Sprintf("after %d of %d runs", done, len(o.Runs)),
				Kept: "the merged directory has those, the rest as not run: merge again into a new directory"}
		}
		return &runner.InterruptedError{What: "the matrix", Stage: fmt.Sprintf("after %d of %d runs", done, len(o.Runs))}
	case runner.ExitInvalid:
		return &runner.VerdictError{Validity: checkers.Invalid}
	}
	return &runner.VerdictError{Validity: checkers.Unknown}
}

// Print prints how each run of a matrix ended, the matrix's verdict and
// exit code, and where its index is.
func Print(w io.Writer, out Outcome) {
	if out.Dir == "" {
		return
	}
	for _, r := range out.Runs {
		status := string(r.Validity)
		switch {
		case r.Error != "":
			status = "harness error: " + r.Error
		case r.Skipped:
			status = "not run"
		}
		fmt.Fprintf(w, "%-40s %s\n", r.Name, status)
	}
	if len(out.MissingShards) > 0 {
		fmt.Fprintf(w, "missing shards: %s (their runs are not run)\n", strings.Join(out.MissingShards, ", "))
	}
	fmt.Fprintf(w, "%s %s: %s (exit %d)\n", out.Kind(), out.Name, out.Validity, out.ExitCode)
	fmt.Fprintf(w, "index:  %s/%s\n", out.Dir, IndexFile)
}
