package sweep

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/chaos-election/chaos/matrix"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
)

// Merge combines the directories of a sweep's shards (`chaos sweep
// --shard I/N`) into out as [matrix.Merge] does, then writes the whole
// sweep's sweep.json, sweep.html and junit.xml there ([Rebuild]): what the
// whole sweep run in one place with the same seeds gives. Every directory
// must be a shard of one sweep (the same sweep file, count and seed):
// otherwise a plan.Error (exit 254) names the one that differs, and
// nothing is written.
func Merge(ctx context.Context, dirs []string, out string, log *slog.Logger) (Outcome, error) {
	spec, err := shardSpec(dirs)
	if err != nil {
		return Outcome{}, err
	}
	mo, err := matrix.Merge(ctx, dirs, out, log)
	if err != nil {
		return Outcome{Dir: mo.Dir, matrix: mo.Matrix}, err
	}
	spec.Shard = ""
	if err := reports.WriteSweep(filepath.Join(mo.Dir, reports.SweepJSON), spec); err != nil {
		return Outcome{Dir: mo.Dir, matrix: mo.Matrix}, err
	}
	return Rebuild(mo.Dir)
}

// shardSpec is the sweep the shards in dirs are parts of, from their
// sweep.json, which must agree.
func shardSpec(dirs []string) (reports.Sweep, error) {
	var first reports.Sweep
	var firstFile string
	var errs plan.Errors
	for i, dir := range dirs {
		file := filepath.Join(dir, reports.SweepJSON)
		s, err := reports.ReadSweep(file)
		if err != nil {
			errs = append(errs, &plan.Error{File: dir, Msg: fmt.Sprintf("not a sweep's directory (%v): merge the shards of one sweep", err), Err: err})
			continue
		}
		if i == 0 {
			first, firstFile = s, file
			continue
		}
		for _, f := range []struct {
			field       string
			mine, first any
		}{
			{"name", s.Name, first.Name}, {"digest", s.Digest, first.Digest}, {"count", s.Count, first.Count},
			{"seed", s.Seed, first.Seed}, {"total", s.Total, first.Total},
		} {
			if f.mine != f.first {
				errs = append(errs, &plan.Error{File: file, Field: f.field, Msg: fmt.Sprintf("%v, but %s has %v: the shards of one sweep agree on it", f.mine, firstFile, f.first)})
			}
		}
	}
	if len(errs) > 0 {
		return first, errs
	}
	return first, nil
}
