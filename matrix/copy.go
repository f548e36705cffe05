package matrix

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
)

// copyRun copies a run directory (its files and logs) to dst, which must
// not exist yet.
func copyRun(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("copy run: %w", err)
	}
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		return fmt.Errorf("copy run: %w", err)
	}
	return nil
}

// linkLatest points RUN/latest at each run's directory RUN/STAMP and the
// matrix's own latest at its last run's, as the matrix's runs left them.
func linkLatest(dir string, runs []reports.MatrixRun) error {
	last := ""
	for _, r := range runs {
		if r.Dir == "" {
			continue
		}
		last = r.Dir
		parent, leaf := filepath.Split(r.Dir)
		if parent == "" {
			continue
		}
		if err := os.Symlink(leaf, filepath.Join(dir, parent, plan.LatestLink)); err != nil && !os.IsExist(err) {
			return fmt.Errorf("link %s: %w", r.Dir, err)
		}
	}
	if last == "" {
		return nil
	}
	if err := os.Symlink(last, filepath.Join(dir, plan.LatestLink)); err != nil && !os.IsExist(err) {
		return fmt.Errorf("link %s: %w", last, err)
	}
	return nil
}
