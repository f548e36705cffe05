package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/chaos-election/chaos/plan"
)

// Files inside a run directory.
const (
	HistoryFile = "history.jsonl"
	ResultsFile = "results.json"
	ReportFile  = "report.html"
	JUnitFile   = "junit.xml"
	LogsDir     = "logs"
)

// latestLink names the links to the newest run: ROOT/latest and
// ROOT/NAME/latest.
const latestLink = plan.LatestLink

// stampLayout names a run directory after its start, in UTC.
const stampLayout = "20060102T150405Z"

// maxSameSecond bounds the "-2", "-3", ... suffixes of runs that start in
// the same second.
const maxSameSecond = 1000

// RunDir is one run's directory, ROOT/NAME/20261122T103400Z/, holding the
// plan, the history, the results, the report and the container logs.
type RunDir struct {
	// Path is the directory.
	Path string
	// Name is the plan's name: the parent directory.
	Name string
	// ID identifies the run in Docker labels and container names: 8
	// lowercase hex digits.
	ID string
	// Started is when the run started.
	Started time.Time
}

// NewRunDir creates ROOT/NAME/STAMP/ (STAMP the UTC time, with "-2", "-3",
// ... when runs start in the same second) and its logs directory, and
// points ROOT/latest and ROOT/NAME/latest at it. Each link is replaced
// atomically (a new link renamed over the old), so a reader never finds it
// missing.
func NewRunDir(root, name string, now time.Time) (RunDir, error) {
	rd, err := newStampDir(root, name, now, true)
	if err != nil {
		return rd, err
	}
	if err := os.Mkdir(rd.Logs(), 0o755); err != nil {
		return rd, fmt.Errorf("create run directory: %w", err)
	}
	return rd, nil
}

// NewGroupDir creates ROOT/NAME/STAMP/ for a group of runs (a matrix: its
// runs go inside it) and points ROOT/NAME/latest at it.
func NewGroupDir(root, name string, now time.Time) (RunDir, error) {
	return newStampDir(root, name, now, false)
}

// newStampDir creates ROOT/NAME/STAMP/ and points ROOT/NAME/latest at it,
// and ROOT/latest too when top is set.
func newStampDir(root, name string, now time.Time, top bool) (RunDir, error) {
	if !plan.ValidName(name) {
		return RunDir{}, fmt.Errorf("run name %q: not a valid directory name", name)
	}
	parent := filepath.Join(root, name)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return RunDir{}, fmt.Errorf("create run directory: %w", err)
	}
	stamp := now.UTC().Format(stampLayout)
	leaf := ""
	for i := 1; leaf == ""; i++ {
		if i > maxSameSecond {
			return RunDir{}, fmt.Errorf("create run directory: %d runs named %q started at %s", maxSameSecond, name, stamp)
		}
		try := stamp
		if i > 1 {
			try += "-" + strconv.Itoa(i)
		}
		err := os.Mkdir(filepath.Join(parent, try), 0o755)
		switch {
		case err == nil:
			leaf = try
		case !errors.Is(err, fs.ErrExist):
			return RunDir{}, fmt.Errorf("create run directory: %w", err)
		}
	}
	rd := RunDir{Path: filepath.Join(parent, leaf), Name: name, Started: now}
	rd.ID = runID(rd.Path, now)
	if err := relink(filepath.Join(parent, latestLink), leaf, rd.ID); err != nil {
		return rd, err
	}
	if top {
		if err := relink(filepath.Join(root, latestLink), filepath.Join(name, leaf), rd.ID); err != nil {
			return rd, err
		}
	}
	return rd, nil
}

// runID derives a short id from the run directory (unique among this
// root's runs) and the start time (apart from other roots' runs).
func runID(path string, now time.Time) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	sum := sha256.Sum256([]byte(path + "\x00" + strconv.FormatInt(now.UnixNano(), 10)))
	return hex.EncodeToString(sum[:4])
}

// relink points the symlink link at target (relative to the link's
// directory), atomically: a temporary link renamed over the old one.
func relink(link, target, id string) error {
	tmp := filepath.Join(filepath.Dir(link), "."+filepath.Base(link)+"-"+id)
	_ = os.Remove(tmp) // a leftover of a crashed run with this id
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("link %s: %w", link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("link %s: %w", link, err)
	}
	return nil
}

// History is the path of the run's history.
func (r RunDir) History() string { return filepath.Join(r.Path, HistoryFile) }

// Results is the path of results.json.
func (r RunDir) Results() string { return filepath.Join(r.Path, ResultsFile) }

// Plan is the path of the resolved plan.
func (r RunDir) Plan() string { return filepath.Join(r.Path, plan.FileName) }

// Report is the path of the HTML report.
func (r RunDir) Report() string { return filepath.Join(r.Path, ReportFile) }

// JUnit is the path of the JUnit XML.
func (r RunDir) JUnit() string { return filepath.Join(r.Path, JUnitFile) }

// Logs is the directory of the container logs, one file per node.
func (r RunDir) Logs() string { return filepath.Join(r.Path, LogsDir) }
