package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chaos-election/chaos/checkers"
)

// ResultsFormat names the results.json format.
const ResultsFormat = "chaos-results"

// ResultsFile is results.json, version 1 (docs/results-json.md). Fields
// are only ever added.
type ResultsFile struct {
	Format    string            `json:"format"`  // "chaos-results"
	Version   int               `json:"version"` // 1
	Validity  checkers.Validity `json:"validity"`
	ExitCode  int               `json:"exit_code"`
	History   string            `json:"history"` // relative to results.json's directory
	Ops       int               `json:"ops"`
	Seed      int64             `json:"seed,omitempty"`
	Plan      string            `json:"plan,omitempty"`    // the plan's name
	Summary   string            `json:"summary,omitempty"` // the plan in a few words: "etcd, 3 nodes, election, resource token"
	Started   string            `json:"started,omitempty"` // RFC 3339
	DurationS float64           `json:"duration_s,omitempty"`
	// Interrupted: the run was stopped before its end (Ctrl-C, SIGTERM).
	Interrupted bool     `json:"interrupted,omitempty"`
	Warnings    []string `json:"warnings"`
	// FaultErrors are the faults that failed to start or to heal (absent
	// when none did); each one's sentence is among the warnings too.
	FaultErrors []FaultError      `json:"fault_errors,omitempty"`
	Checkers    []checkers.Result `json:"checkers"`
	Files       map[string]string `json:"files,omitempty"` // "report", "junit", "history", "plan", "logs/n1.log", ...
}

// Fill sets the verdict, the counts and the checkers' results from r.
func (f *ResultsFile) Fill(r checkers.Results) {
	f.Format, f.Version = ResultsFormat, 1
	f.Validity, f.ExitCode, f.Ops, f.Checkers = r.Validity, r.Validity.ExitCode(), r.Ops, r.Results
	if f.Warnings == nil {
		f.Warnings = []string{}
	}
}

// Results are the checkers' results the file holds.
func (f ResultsFile) Results() checkers.Results {
	return checkers.Results{Validity: f.Validity, Ops: f.Ops, Results: f.Checkers}
}

// WriteResults writes f as indented JSON, atomically (a temp file renamed).
func WriteResults(path string, f ResultsFile) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	return writeAtomic(path, append(b, '\n'))
}

// ReadResults reads a results.json.
func ReadResults(path string) (ResultsFile, error) {
	var f ResultsFile
	b, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("read results: %w", err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("%s: %w", path, err)
	}
	if f.Format != ResultsFormat {
		return f, fmt.Errorf("%s: format %q, want %q", path, f.Format, ResultsFormat)
	}
	return f, nil
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Chmod(0o644) // CreateTemp's 0600 would hide the report from a web server
	}
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %v %v", path, werr, cerr)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteFileAtomic writes data to path through a temporary file renamed
// over it, readable by all (0644): a reader never sees half a file.
func WriteFileAtomic(path string, data []byte) error { return writeAtomic(path, data) }
