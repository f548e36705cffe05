package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/chaos-election/chaos/checkers"
)

// MatrixJSON is the name of a matrix's summary file, in its directory
// ROOT/NAME/STAMP/ beside its runs.
const MatrixJSON = "matrix.json"

// MatrixIndexHTML is the name of a matrix's own index page, beside
// matrix.json; the runs index links it.
const MatrixIndexHTML = "index.html"

// Matrix is matrix.json: how each run of a matrix ended, the matrix's
// verdict ("valid", "invalid", "unknown", or "error" when the harness
// failed on a run and none was invalid) and its exit code.
//
// Digest, Seed, Count, Shard, Total and Cells say which list of runs this
// is part of (see plan.Matrix): shards of one matrix agree on all but
// Shard, and Cells with Count name every run of the whole list. Shards
// and MissingShards are a merged matrix's: the shards it combines and
// those it was not given.
type Matrix struct {
	Name          string      `json:"name"`
	Started       string      `json:"started"`
	Validity      string      `json:"validity"`
	ExitCode      int         `json:"exit_code"`
	Interrupted   bool        `json:"interrupted,omitempty"`
	Digest        string      `json:"digest,omitempty"`
	Seed          int64       `json:"seed,omitempty"`
	Count         int         `json:"count,omitempty"`
	Shard         string      `json:"shard,omitempty"` // "2/4"; "" for the whole list
	Total         int         `json:"total,omitempty"`
	Cells         []string    `json:"cells,omitempty"`
	Shards        []string    `json:"shards,omitempty"`
	MissingShards []string    `json:"missing_shards,omitempty"`
	Runs          []MatrixRun `json:"runs"`
}

// MatrixRun is what became of one run of a matrix.
type MatrixRun struct {
	Name string `json:"name"`
	// Cell is the run's name without its repeat; Repeat counts from 1.
	Cell     string            `json:"cell,omitempty"`
	Repeat   int               `json:"repeat,omitempty"`
	Seed     int64             `json:"seed,omitempty"`
	Dir      string            `json:"dir,omitempty"` // relative to the matrix directory
	Validity checkers.Validity `json:"validity,omitempty"`
	Error    string            `json:"error,omitempty"` // the harness failed
	Skipped  bool              `json:"skipped,omitempty"`
}

// Kind says what sort of matrix this is in a list of groups of runs:
// "matrix", "matrix shard 2/4", "merged matrix (3 of 4 shards)".
func (m Matrix) Kind() string {
	switch {
	case m.Shard != "":
		return "matrix shard " + m.Shard
	case len(m.Shards) > 0:
		return fmt.Sprintf("merged matrix (%d of %d shards)", len(m.Shards), len(m.Shards)+len(m.MissingShards))
	}
	return "matrix"
}

// ReadMatrix reads a matrix.json.
func ReadMatrix(path string) (Matrix, error) {
	var m Matrix
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Verdict is the matrix's verdict in the index's colours: a harness error
// shows as unknown.
func (m Matrix) Verdict() checkers.Validity {
	switch v := checkers.Validity(m.Validity); v {
	case checkers.Valid, checkers.Invalid, checkers.Unknown:
		return v
	}
	return checkers.Unknown
}

// Counts says how a matrix's runs ended: "6 runs: 4 valid, 1 invalid, 1
// not run".
func (m Matrix) Counts() string {
	counts := tally(m.Runs)
	var parts []string
	for _, k := range outcomes {
		if counts[k] > 0 {
			parts = append(parts, strconv.Itoa(counts[k])+" "+k)
		}
	}
	return strconv.Itoa(len(m.Runs)) + " runs: " + strings.Join(parts, ", ")
}

// How a run of a matrix can end, in the order the counts list them.
const (
	harnessError = "harness error"
	notRun       = "not run"
)

var outcomes = []string{string(checkers.Valid), string(checkers.Invalid), string(checkers.Unknown), harnessError, notRun}

// outcome is how r ended: its verdict, harnessError or notRun.
func outcome(r MatrixRun) string {
	switch {
	case r.Error != "":
		return harnessError
	case r.Skipped:
		return notRun
	}
	return string(r.Validity)
}

// tally counts the runs by outcome.
func tally(runs []MatrixRun) map[string]int {
	counts := map[string]int{}
	for _, r := range runs {
		counts[outcome(r)]++
	}
	return counts
}
