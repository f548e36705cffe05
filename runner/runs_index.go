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
// verdict, newest first, and every matrix above them. It reads only the
// runs' results.json and the matrices' matrix.json.
func WriteRunsIndex(root string) error {
	ix := reports.Index{Title: "chaos runs in " + root}
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
		switch d.Name() {
		case ResultsFile:
			rf, err := reports.ReadResults(path)
			if err != nil {
				return nil
			}
			dir := filepath.Dir(rel)
			name := rf.Plan
			if name == "" {
				name = dir
			}
			row := reports.Row(rf, name, filepath.ToSlash(filepath.Join(dir, ReportFile)))
			if m := matrixOf(dir); m != "" {
				row.Summary = strings.TrimPrefix(row.Summary+" · matrix "+m, " · ")
			}
			ix.Rows = append(ix.Rows, row)
		case reports.MatrixJSON:
			mo, err := reports.ReadMatrix(path)
			if err != nil {
				return nil
			}
			dir := filepath.Dir(rel)
			row := reports.IndexRow{Name: mo.Name, Href: filepath.ToSlash(filepath.Join(dir, reports.MatrixIndexHTML)),
				Validity: mo.Verdict(), Started: mo.Started, Summary: mo.Counts()}
			if mo.Validity == "error" {
				row.Status = "harness error"
			}
			ix.Matrices = append(ix.Matrices, row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	reports.SortNewestFirst(ix.Rows)
	reports.SortNewestFirst(ix.Matrices)
	return reports.WriteIndex(filepath.Join(root, RunsIndexFile), ix)
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
