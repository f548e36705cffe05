package matrix

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// DefaultRoot is where [Merge] puts a merged matrix when it is not told:
// runs/NAME/STAMP/, as `chaos matrix` would.
const DefaultRoot = "runs"

// Merge combines the directories of a matrix's shards (`chaos matrix
// --shard I/N`, each as its CI runner left it; a `latest` link will do)
// into one matrix directory out, as if the whole matrix had run there: it
// copies every run directory into out (links back to the shards' would
// break once CI's artifacts are gone) and writes the combined index.html,
// junit.xml and matrix.json, the runs in the whole matrix's order.
//
// Shards of another matrix file, seed, count or total, the same shard
// twice and runs that overlap are refused before anything is written: a
// plan.Error (exit 254) naming the directory's matrix.json, the field,
// and the directory it differs from. Missing shards and runs are merged
// as "not run" (a verdict of at best unknown, as for a matrix cut short)
// and listed in the outcome's MissingShards and Runs.
//
// out "" is a new directory DefaultRoot/NAME/STAMP/ (runner.NewGroupDir),
// and the runs index of DefaultRoot is rewritten; a given out must be new
// or empty, and nothing outside it is written. Ctrl-C stops copying: the
// runs not yet copied are not run, and the outcome is interrupted.
func Merge(ctx context.Context, dirs []string, out string, log *slog.Logger) (Outcome, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	shards, err := readShards(dirs)
	if err != nil {
		return Outcome{}, err
	}
	if err := checkShards(shards); err != nil {
		return Outcome{}, err
	}
	first := shards[0].Matrix
	root := ""
	if out == "" {
		root = DefaultRoot
		md, err := runner.NewGroupDir(root, first.Name, time.Now())
		if err != nil {
			return Outcome{}, fmt.Errorf("merged matrix directory: %w", err)
		}
		out = md.Path
	} else if err := newDir(out); err != nil {
		return Outcome{}, err
	}

	o := Outcome{Dir: out, Matrix: reports.Matrix{Name: first.Name, Started: first.Started, Digest: first.Digest,
		Seed: first.Seed, Count: first.Count, Total: first.Total, Cells: first.Cells, MissingShards: missingShards(shards)}, merged: true}
	held := map[string]runIn{}
	for _, s := range shards {
		if s.Started < o.Started {
			o.Started = s.Started
		}
		if s.Interrupted {
			log.Warn("merge: a shard was interrupted: its runs not run are merged as not run", "shard", s.Shard.String(), "dir", s.Dir)
		}
		for _, r := range s.Runs {
			held[r.Name] = runIn{shard: s, run: r}
		}
	}
	for _, s := range slices.SortedFunc(slices.Values(shards), func(a, b shardDir) int { return a.Shard.I - b.Shard.I }) {
		if s.Shard.N > 1 {
			o.Shards = append(o.Shards, s.Shard.String())
		}
	}
	names := runNames(first)
	o.results = make([]*reports.ResultsFile, len(names))
	var notRun []string
	for j, name := range names {
		h, ok := held[name]
		switch {
		case !ok:
			cell, k := cellOf(first, j)
			o.Runs = append(o.Runs, reports.MatrixRun{Name: name, Cell: cell, Repeat: k, Skipped: true})
			notRun = append(notRun, name)
			continue
		case ctx.Err() != nil:
			r := h.run
			r.Dir, r.Validity, r.Error, r.Skipped = "", "", "", true
			o.Runs = append(o.Runs, r)
			o.Interrupted = true
			continue
		}
		r := h.run
		if r.Dir != "" {
			if err := copyRun(filepath.Join(h.shard.Path, r.Dir), filepath.Join(out, r.Dir)); err != nil {
				return o, fmt.Errorf("merge run %s from %s: %w", name, h.shard.Dir, err)
			}
			if rf, err := reports.ReadResults(filepath.Join(out, r.Dir, runner.ResultsFile)); err == nil {
				o.results[j] = &rf
			}
		}
		if r.Skipped {
			notRun = append(notRun, name)
		}
		o.Runs = append(o.Runs, r)
	}
	if len(o.MissingShards) > 0 || len(notRun) > 0 {
		log.Warn("merge: the matrix is incomplete", "missing_shards", strings.Join(o.MissingShards, ","), "not_run", strings.Join(notRun, ","))
	}
	if err := linkLatest(out, o.Runs); err != nil {
		return o, err
	}
	o.finish(ctx)
	if err := o.write(); err != nil {
		return o, err
	}
	if root != "" {
		if err := runner.WriteRunsIndex(root); err != nil {
			log.Warn("runs index", "err", err)
		}
	}
	return o, nil
}

// runIn is a run of a shard.
type runIn struct {
	shard shardDir
	run   reports.MatrixRun
}

// cellOf is the cell and repeat of run j of the whole list.
func cellOf(m reports.Matrix, j int) (string, int) {
	return m.Cells[j/m.Count], j%m.Count + 1
}

// newDir makes out for a merge: a new directory, or an empty one.
func newDir(out string) error {
	entries, err := os.ReadDir(out)
	switch {
	case err == nil && len(entries) > 0:
		return &plan.Error{Flag: "--out", Msg: fmt.Sprintf("%s is not empty: merge into a new directory", out)}
	case err == nil:
		return nil
	case !os.IsNotExist(err):
		return &plan.Error{Flag: "--out", Msg: fmt.Sprintf("%s: %v", out, unwrapPath(err)), Err: err}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("merged matrix directory: %w", err)
	}
	return nil
}
