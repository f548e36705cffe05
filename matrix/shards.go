package matrix

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
)

// shardDir is one directory given to [Merge]: the matrix.json of a shard
// (or of a whole matrix) and where it is.
type shardDir struct {
	// Dir is the directory as given; Path with links resolved.
	Dir, Path string
	// File is its matrix.json, as error messages name it.
	File  string
	Shard plan.Shard
	reports.Matrix
}

// readShards reads each directory's matrix.json. A directory that is not
// a matrix's is a plan.Error naming it.
func readShards(dirs []string) ([]shardDir, error) {
	if len(dirs) == 0 {
		return nil, &plan.Error{Msg: "give the directories of the shards to merge"}
	}
	var out []shardDir
	var errs plan.Errors
	for _, dir := range dirs {
		file := filepath.Join(dir, reports.MatrixJSON)
		path, err := filepath.EvalSymlinks(dir)
		if err != nil {
			errs = append(errs, &plan.Error{File: dir, Msg: fmt.Sprintf("not a directory: %v", unwrapPath(err)), Err: err})
			continue
		}
		m, err := reports.ReadMatrix(filepath.Join(path, reports.MatrixJSON))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			errs = append(errs, &plan.Error{File: dir, Msg: "not a matrix directory: it has no matrix.json (give the directory `chaos matrix` wrote, or its latest link)", Err: err})
			continue
		case err != nil:
			errs = append(errs, &plan.Error{File: file, Msg: fmt.Sprintf("cannot read it: %v", err), Err: err})
			continue
		case m.Digest == "" || m.Count < 1 || m.Total < 1 || len(m.Cells) == 0:
			errs = append(errs, &plan.Error{File: file, Field: "digest", Msg: "it does not say which list of runs it is part of (digest, count, total, cells): it was written by an older chaos; run the shards again"})
			continue
		}
		sd := shardDir{Dir: dir, Path: path, File: file, Matrix: m, Shard: plan.Shard{I: 1, N: 1}}
		if m.Shard != "" {
			s, err := plan.ParseShard(m.Shard)
			if err != nil {
				errs = append(errs, &plan.Error{File: file, Field: "shard", Msg: fmt.Sprintf("want I/N, got %q", m.Shard)})
				continue
			}
			sd.Shard = s
		}
		out = append(out, sd)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// runNames is the whole list of a matrix's runs, in order, from its cells
// and count: what [plan.Matrix.Repeated] named them.
func runNames(m reports.Matrix) []string {
	var names []string
	for _, c := range m.Cells {
		for k := 1; k <= m.Count; k++ {
			names = append(names, plan.RepeatName(c, k, m.Count))
		}
	}
	return names
}

// checkShards refuses shards that are not parts of one matrix run once:
// another name, digest, seed, count, total, cells or number of shards than
// the first's; the same shard twice; a run that is not its shard's, or
// that two directories hold. Each problem is a plan.Error naming the
// directory's matrix.json and the field, and the other directory.
func checkShards(shards []shardDir) error {
	var errs plan.Errors
	first := shards[0]
	names := runNames(first.Matrix)
	if len(names) != first.Total {
		errs = append(errs, &plan.Error{File: first.File, Field: "total", Msg: fmt.Sprintf("%d, but its cells and count make %d runs", first.Total, len(names))})
		return errs
	}
	at := map[string]int{}
	for j, n := range names {
		at[n] = j
	}
	shardOf := map[plan.Shard]string{}
	runIn := map[string]string{}
	for _, s := range shards {
		differs := false
		mineCells, theirCells := firstDifference(s.Cells, first.Cells)
		mineN, theirN := shardLabel(s.Shard), shardLabel(first.Shard)
		if s.Shard.N == first.Shard.N {
			mineN, theirN = "", ""
		}
		for _, f := range []struct {
			field, mine, theirs, why string
		}{
			{"name", s.Name, first.Name, "shards of one matrix have its name"},
			{"digest", s.Digest, first.Digest, "shards of different matrix files (or of plan files that changed between them)"},
			{"seed", strconv.FormatInt(s.Seed, 10), strconv.FormatInt(first.Seed, 10), "every shard must be run with the same --seed"},
			{"count", strconv.Itoa(s.Count), strconv.Itoa(first.Count), "every shard must be run with the same --count"},
			{"total", strconv.Itoa(s.Total), strconv.Itoa(first.Total), "shards of lists of different lengths"},
			{"cells", mineCells, theirCells, "shards of different lists of runs"},
			{"shard", mineN, theirN, "every shard must be run with the same N in --shard I/N"},
		} {
			if f.mine != f.theirs {
				errs = append(errs, &plan.Error{File: s.File, Field: f.field, Msg: fmt.Sprintf("%s, but %s has %s: %s", show(f.mine), first.File, show(f.theirs), f.why)})
				differs = true
			}
		}
		if differs {
			continue
		}
		if other, dup := shardOf[s.Shard]; dup {
			errs = append(errs, &plan.Error{File: s.File, Field: "shard", Msg: fmt.Sprintf("%s again: %s is that shard too; give each shard once", shardName(s.Shard), other)})
			continue
		}
		shardOf[s.Shard] = s.File
		for i, r := range s.Runs {
			field := fmt.Sprintf("runs[%d]", i)
			j, ok := at[r.Name]
			switch {
			case !ok:
				errs = append(errs, &plan.Error{File: s.File, Field: field, Msg: fmt.Sprintf("run %q is not in the matrix's list of runs", r.Name)})
			case runIn[r.Name] != "":
				errs = append(errs, &plan.Error{File: s.File, Field: field, Msg: fmt.Sprintf("run %q is in %s too: the shards overlap", r.Name, runIn[r.Name])})
			case !s.Shard.Holds(j):
				errs = append(errs, &plan.Error{File: s.File, Field: field, Msg: fmt.Sprintf("run %q is %s's, not %s's", r.Name, shardName(owner(j, s.Shard.N)), shardName(s.Shard))})
			case r.Dir != "" && !filepath.IsLocal(r.Dir):
				errs = append(errs, &plan.Error{File: s.File, Field: field + ".dir", Msg: fmt.Sprintf("%q is not a directory inside the shard's", r.Dir)})
			case r.Dir != "" && !isDir(filepath.Join(s.Path, r.Dir)):
				errs = append(errs, &plan.Error{File: s.File, Field: field + ".dir", Msg: fmt.Sprintf("run %q's directory %s is not there: was the shard's directory copied whole?", r.Name, filepath.Join(s.Dir, r.Dir))})
			}
			if ok {
				runIn[r.Name] = s.File
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// missingShards are the shards of n not among shards, as "I/N".
func missingShards(shards []shardDir) []string {
	n := shards[0].Shard.N
	var missing []string
	for i := 1; i <= n; i++ {
		if !slices.ContainsFunc(shards, func(s shardDir) bool { return s.Shard.I == i }) {
			missing = append(missing, plan.Shard{I: i, N: n}.String())
		}
	}
	return missing
}

// owner is the shard of n that holds run j.
func owner(j, n int) plan.Shard { return plan.Shard{I: j%n + 1, N: n} }

// shardName is "shard 2/4", or "the whole matrix".
func shardName(s plan.Shard) string {
	if s.N <= 1 {
		return "the whole matrix"
	}
	return "shard " + s.String()
}

// shardLabel is "2/4", or "none" for a whole matrix.
func shardLabel(s plan.Shard) string {
	if s.N <= 1 {
		return "none (the whole matrix)"
	}
	return s.String()
}

// firstDifference describes where two lists of cells first differ, or
// gives "", "" when they do not.
func firstDifference(a, b []string) (string, string) {
	at := func(l []string, k int) string {
		if k < len(l) {
			return fmt.Sprintf("cell %d %q", k+1, l[k])
		}
		return fmt.Sprintf("no cell %d", k+1)
	}
	for k := range max(len(a), len(b)) {
		if k >= len(a) || k >= len(b) || a[k] != b[k] {
			return at(a, k), at(b, k)
		}
	}
	return "", ""
}

func show(v string) string {
	if v == "" {
		return `""`
	}
	return v
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
