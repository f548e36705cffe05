package runner

import (
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/chaos-election/chaos/reports"
)

// RunsIndexFile is the index of every run under a root: ROOT/index.html.
const RunsIndexFile = "index.html"

// maxIndexDepth bounds the walk: ROOT/NAME/STAMP/ holds a run, and a
// matrix's runs are ROOT/MATRIX/STAMP/RUN/STAMP/.
const maxIndexDepth = 5

// WriteRunsIndex rewrites ROOT/index.html: every run under root with its
// verdict, newest first, and every group of runs (matrices,
// their shards and merges) above them. It reads only the runs'
// results.json and the groups' summary files.
func WriteRunsIndex(root string) error {
	ix := reports.Index{Title: "chaos runs in " + root}
	groups := map[string]groupRow{} // by directory: the first kind's row
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a run being written or removed: skip it
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == LogsDir || strings.Count(rel, string(filepath.Separator)) >= maxIndexDepth) {
				return filepath.SkipDir
			}
			return nil
		}
		dir := filepath.Dir(rel)
		if d.Name() == ResultsFile {
			if row, ok := runRow(path, dir); ok {
				ix.Rows = append(ix.Rows, row)
			}
			return nil
		}
		for k, kind := range groupKinds {
			if d.Name() != kind.File {
				continue
			}
			if have, ok := groups[dir]; ok && have.kind < k {
				continue
			}
			if row, ok := kind.Row(path, filepath.ToSlash(dir)); ok {
				groups[dir] = groupRow{kind: k, row: row}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, g := range groups {
		ix.Matrices = append(ix.Matrices, g.row)
	}
	reports.SortNewestFirst(ix.Rows)
	reports.SortNewestFirst(ix.Matrices)
	return reports.WriteIndex(filepath.Join(root, RunsIndexFile), ix)
}

// groupKind is one sort of directory of many runs that the runs index
// lists above the runs: the summary file that marks it and the row it
// makes from that file. A directory holding several kinds' files is
// listed once, as the first of them in groupKinds.
type groupKind struct {
	// File is the summary's name in the group's directory.
	File string
	// Row reads the summary at path into a row whose links are relative
	// to dir (the group's directory, relative to the index, with slashes);
	// false skips it (a summary being written).
	Row func(path, dir string) (reports.IndexRow, bool)
}

// groupKinds are the groups the runs index knows: a new sort of group (a
// sweep) adds its kind here, before the kinds it builds on.
var groupKinds = []groupKind{
	{File: reports.SweepJSON, Row: sweepRow},
	{File: reports.MatrixJSON, Row: matrixRow},
}

type groupRow struct {
	kind int
	row  reports.IndexRow
}

// runRow is a run's line, from its results.json.
func runRow(path, dir string) (reports.IndexRow, bool) {
	rf, err := reports.ReadResults(path)
	if err != nil {
		return reports.IndexRow{}, false
	}
	name := rf.Plan
	if name == "" {
		name = dir
	}
	row := reports.Row(rf, name, filepath.ToSlash(filepath.Join(dir, ReportFile)))
	if m := matrixOf(dir); m != "" {
		row.Summary = strings.TrimPrefix(row.Summary+" · matrix "+m, " · ")
	}
	return row, true
}

// matrixRow is a matrix's line (or a shard's, or a merge's), from its
// matrix.json.
func matrixRow(path, dir string) (reports.IndexRow, bool) {
	mo, err := reports.ReadMatrix(path)
	if err != nil {
		return reports.IndexRow{}, false
	}
	row := reports.IndexRow{Name: mo.Name, Kind: mo.Kind(), Href: dir + "/" + reports.MatrixIndexHTML,
		Validity: mo.Verdict(), Started: mo.Started, Summary: mo.Counts()}
	if mo.Validity == "error" {
		row.Status = "harness error"
	}
	return row, true
}

// sweepRow is a sweep's line (or a shard's, or a merge's), from its
// sweep.json and the matrix.json beside it: the link goes to sweep.html,
// and the recommendations say what it found.
func sweepRow(path, dir string) (reports.IndexRow, bool) {
	s, err := reports.ReadSweep(path)
	if err != nil {
		return reports.IndexRow{}, false
	}
	row, ok := matrixRow(filepath.Join(filepath.Dir(path), reports.MatrixJSON), dir)
	if !ok {
		return reports.IndexRow{}, false
	}
	row.Kind = strings.Replace(row.Kind, "matrix", "sweep of "+s.Setting, 1)
	row.Href = dir + "/" + reports.SweepHTML
	var found []string
	for _, r := range s.Recommendations {
		found = append(found, r.Fault+": "+r.Text)
	}
	row.Problem = strings.Join(found, "; ")
	return row, true
}

// matrixOf names the matrix a run directory belongs to
// (MATRIX/STAMP/RUN/STAMP), or "".
func matrixOf(dir string) string {
	parts := strings.Split(filepath.ToSlash(dir), "/")
	if len(parts) == 4 {
		return parts[0]
	}
	return ""
}
