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
type Matrix struct {
	Name        string      `json:"name"`
	Started     string      `json:"started"`
	Validity    string      `json:"validity"`
	ExitCode    int         `json:"exit_code"`
	Interrupted bool        `json:"interrupted,omitempty"`
	Runs        []MatrixRun `json:"runs"`
}

// MatrixRun is what became of one run of a matrix.
type MatrixRun struct {
	Name     string            `json:"name"`
	Dir      string            `json:"dir,omitempty"` // relative to the matrix directory
	Validity checkers.Validity `json:"validity,omitempty"`
	Error    string            `json:"error,omitempty"` // the harness failed
	Skipped  bool              `json:"skipped,omitempty"`
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
	counts := map[string]int{}
	order := []string{string(checkers.Valid), string(checkers.Invalid), string(checkers.Unknown), "harness error", "not run"}
	for _, r := range m.Runs {
		switch {
		case r.Error != "":
			counts["harness error"]++
		case r.Skipped:
			counts["not run"]++
		default:
			counts[string(r.Validity)]++
		}
	}
	var parts []string
	for _, k := range order {
		if counts[k] > 0 {
			parts = append(parts, strconv.Itoa(counts[k])+" "+k)
		}
	}
	return strconv.Itoa(len(m.Runs)) + " runs: " + strings.Join(parts, ", ")
}
