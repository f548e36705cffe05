package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/reports"
)

// Files of a matrix directory, ROOT/NAME/STAMP/, beside its runs
// (ROOT/NAME/STAMP/RUN/STAMP/).
const (
	MatrixIndexFile = "index.html"
	MatrixFile      = "matrix.json"
)

// MatrixConfig is one `chaos matrix`.
type MatrixConfig struct {
	Matrix Matrix
	// Root holds the matrix's directory ("runs").
	Root string
	// KeepGoing runs every plan even after one ended other than valid.
	KeepGoing bool
	Progress  io.Writer
	IsTTY     bool
	Log       *slog.Logger
}

// MatrixRun is what became of one run of a matrix.
type MatrixRun struct {
	Name     string            `json:"name"`
	Dir      string            `json:"dir,omitempty"` // relative to the matrix directory
	Validity checkers.Validity `json:"validity,omitempty"`
	Error    string            `json:"error,omitempty"` // the harness failed
	Skipped  bool              `json:"skipped,omitempty"`

	results *reports.ResultsFile
}

// MatrixOutcome is a matrix's directory, its runs and its exit code.
type MatrixOutcome struct {
	Dir         string      `json:"-"`
	Name        string      `json:"name"`
	Started     string      `json:"started"`
	Validity    string      `json:"validity"`
	ExitCode    int         `json:"exit_code"`
	Interrupted bool        `json:"interrupted,omitempty"`
	Runs        []MatrixRun `json:"runs"`
}

// RunMatrix runs the matrix's plans one after another, each as `chaos run`
// would, under ROOT/NAME/STAMP/. After each run it rewrites the matrix's
// index.html, combined junit.xml and matrix.json, so that a matrix cut
// short still leaves them. Without KeepGoing it stops after the first run
// that is not valid. Ctrl-C stops the current run the way `chaos run`
// does and skips the rest.
func RunMatrix(ctx context.Context, cfg MatrixConfig) (MatrixOutcome, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := cfg.Matrix
	now := time.Now()
	md, err := newStampDir(cfg.Root, m.Name, now, false)
	if err != nil {
		return MatrixOutcome{}, fmt.Errorf("matrix directory: %w", err)
	}
	out := MatrixOutcome{Dir: md.Path, Name: m.Name, Started: now.UTC().Format(time.RFC3339)}
	for _, e := range m.Entries {
		out.Runs = append(out.Runs, MatrixRun{Name: e.Plan.Name, Skipped: true})
	}
	keepGoing := cfg.KeepGoing || m.KeepGoing
	stop := false
	for i, e := range m.Entries {
		if stop || ctx.Err() != nil {
			break
		}
		log.Info("matrix run", "run", fmt.Sprintf("%d/%d", i+1, len(m.Entries)), "name", e.Plan.Name, "from", e.From)
		res, err := Run(ctx, RunConfig{Plan: e.Plan, Root: md.Path, Progress: cfg.Progress, IsTTY: cfg.IsTTY, Log: log, NoIndex: true})
		r := &out.Runs[i]
		r.Skipped = false
		if res.Dir != "" {
			r.Dir, _ = filepath.Rel(md.Path, res.Dir)
		}
		switch {
		case err != nil:
			r.Error = err.Error()
			log.Error("matrix run failed", "name", e.Plan.Name, "err", err)
		default:
			r.Validity = res.Results.Validity
			if rf, rerr := reports.ReadResults(filepath.Join(res.Dir, ResultsFile)); rerr == nil {
				r.results = &rf
			}
			out.Interrupted = out.Interrupted || res.Interrupted
		}
		if !keepGoing && (err != nil || res.Results.Validity != checkers.Valid) {
			stop = true
		}
		out.finish(ctx)
		if werr := writeMatrix(out); werr != nil {
			return out, werr
		}
	}
	out.finish(ctx)
	if err := writeMatrix(out); err != nil {
		return out, err
	}
	if err := WriteRunsIndex(cfg.Root); err != nil {
		log.Warn("runs index", "err", err)
	}
	return out, nil
}

// finish sets the matrix's verdict and exit code from its runs: invalid if
// any run found a bug (1); else 255 if the harness failed on any; else
// unknown (2) if any run was unknown, interrupted or not run; else valid.
func (o *MatrixOutcome) finish(ctx context.Context) {
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
		o.Validity, o.ExitCode = "error", ExitHarness
	}
}

// Err carries the matrix's exit code out of a command: nil for 0, a
// [VerdictError] for 1 and 2, a harness error for 255.
func (o MatrixOutcome) Err() error {
	switch o.ExitCode {
	case ExitValid:
		return nil
	case ExitHarness:
		return errors.New("the harness failed on a run of the matrix (see its index.html)")
	case ExitInvalid:
		return &VerdictError{Validity: checkers.Invalid}
	}
	return &VerdictError{Validity: checkers.Unknown}
}

// writeMatrix writes the matrix's index.html, junit.xml and matrix.json.
func writeMatrix(o MatrixOutcome) error {
	b, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return fmt.Errorf("encode matrix: %w", err)
	}
	ix := reports.Index{Title: "chaos matrix " + o.Name, Verdict: indexVerdict(o.Validity),
		Note: fmt.Sprintf("started %s · %d runs · exit code %d", o.Started, len(o.Runs), o.ExitCode)}
	var junit []reports.JUnitRun
	for _, r := range o.Runs {
		ix.Rows = append(ix.Rows, matrixRow(r))
		j := reports.JUnitRun{Name: r.Name, Error: r.Error, Skipped: r.Skipped}
		if r.results != nil {
			res := r.results.Results()
			j.Results = &res
		} else if r.Error == "" && !r.Skipped {
			j.Error = "the run left no results.json"
		}
		junit = append(junit, j)
	}
	return errors.Join(
		reports.WriteIndex(filepath.Join(o.Dir, MatrixIndexFile), ix),
		reports.WriteJUnitRuns(filepath.Join(o.Dir, JUnitFile), junit),
		reports.WriteFileAtomic(filepath.Join(o.Dir, MatrixFile), append(b, '\n')),
	)
}

func matrixRow(r MatrixRun) reports.IndexRow {
	href := ""
	if r.Dir != "" {
		href = filepath.ToSlash(filepath.Join(r.Dir, ReportFile))
	}
	switch {
	case r.results != nil:
		return reports.Row(*r.results, r.Name, href)
	case r.Skipped:
		return reports.IndexRow{Name: r.Name, Status: "not run"}
	default:
		return reports.IndexRow{Name: r.Name, Href: href, Status: "harness error", Problem: r.Error}
	}
}

// indexVerdict shows a harness error as unknown in the banner colours.
func indexVerdict(v string) checkers.Validity {
	switch checkers.Validity(v) {
	case checkers.Valid, checkers.Invalid, checkers.Unknown:
		return checkers.Validity(v)
	}
	return checkers.Unknown
}
