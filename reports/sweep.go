package reports

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/chaos-election/chaos/checkers"
)

// The files of a sweep, in its matrix directory beside matrix.json.
const (
	SweepJSON = "sweep.json"
	SweepHTML = "sweep.html"
)

// SweepFormat names the sweep.json format.
const SweepFormat = "chaos-sweep"

// Sweep is sweep.json, version 1 (docs/results-json.md): what was swept,
// every cell's runs and figures, and the recommendation per fault line.
// It is a function of the sweep file and the runs' results alone (no
// clock, no absolute path), so shards merged give the same file as the
// whole sweep run in one place.
type Sweep struct {
	Format  string `json:"format"`  // "chaos-sweep"
	Version int    `json:"version"` // 1
	Name    string `json:"name"`
	// Digest is the SHA-256 of the sweep file: shards of one sweep carry
	// the same one.
	Digest string `json:"digest"`
	// Setting is the swept plan field ("lease_ttl"); Kind is "duration",
	// "number" or "text".
	Setting string       `json:"setting"`
	Kind    string       `json:"kind"`
	Values  []SweepValue `json:"values"`
	Faults  []SweepFault `json:"faults"`
	// Count is the repeats of each cell, Seed the seed theirs derive from
	// (0: each run drew its own), Total the whole sweep's runs.
	Count int   `json:"count"`
	Seed  int64 `json:"seed,omitempty"`
	Total int   `json:"total"`
	// Shard is "I/N" when this directory holds one shard's runs; the other
	// shards' runs are listed with status "elsewhere".
	Shard string `json:"shard,omitempty"`
	// Validity and ExitCode are those of the runs in this directory, as a
	// matrix's: invalid > error (the harness failed) > unknown > valid.
	Validity        string           `json:"validity"`
	ExitCode        int              `json:"exit_code"`
	Cells           []SweepCell      `json:"cells"`
	Recommendations []Recommendation `json:"recommendations"`
}

// SweepValue is one value of the swept setting: as written, and its place
// on the x axis (seconds for a duration).
type SweepValue struct {
	Label string  `json:"label"`
	X     float64 `json:"x"`
}

// SweepFault is one fault line; a control line has no faults.
type SweepFault struct {
	Label   string `json:"label"`
	Control bool   `json:"control,omitempty"`
}

// SweepCell is one value of the setting under one fault line: its runs
// and their figures together. A figure no run gave (no failover to time)
// is null.
type SweepCell struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Fault string `json:"fault"`
	// Under is the cell's faults in words ("client pauses of 2s"), or "no
	// faults" for a control.
	Under string     `json:"under"`
	Runs  []SweepRun `json:"runs"`
	// Done counts the runs with results; Invalid, Unknown and Unsafe
	// those that were (unsafe: dual-leaders or stale-writes invalid);
	// Errors those the harness failed on.
	Done    int `json:"done"`
	Invalid int `json:"invalid"`
	Unknown int `json:"unknown"`
	Unsafe  int `json:"unsafe"`
	Errors  int `json:"errors"`
	// Verdict is the cell's in a few words: "invalid 2/5", "valid 5/5",
	// "unknown 1/5", "not run".
	Verdict string `json:"verdict"`
	// Failovers are all the runs' failovers together: how many, how many
	// never saw a new leader (their time runs to the history's end), and
	// the nearest-rank percentiles of their times.
	Failovers   int      `json:"failovers"`
	Unresolved  int      `json:"failovers_unresolved"`
	FailoverP50 *float64 `json:"failover_p50_s"`
	FailoverP95 *float64 `json:"failover_p95_s"`
	FailoverMax *float64 `json:"failover_max_s"`
	// FalseFailovers is the runs' total; ElectionsPerMinute and NoLeaderS
	// (time without a leader) are means over the runs.
	FalseFailovers     int      `json:"false_failovers"`
	ElectionsPerMinute *float64 `json:"elections_per_minute"`
	NoLeaderS          *float64 `json:"no_leader_s"`
	// UnsafeFraction is Unsafe / Done (null when none is done).
	UnsafeFraction *float64 `json:"unsafe_fraction"`
}

// The statuses of a sweep's run.
const (
	RunDone      = "done"      // its results.json was read
	RunError     = "error"     // the harness failed on it, or it left no results
	RunNotRun    = "not run"   // the matrix stopped before it
	RunElsewhere = "elsewhere" // not in this directory: another shard's
)

// SweepRun is one repeat of a cell.
type SweepRun struct {
	Name   string `json:"name"`
	Repeat int    `json:"repeat"`
	Seed   int64  `json:"seed,omitempty"`
	Status string `json:"status"`
	// Dir is its run directory, relative to sweep.json.
	Dir      string            `json:"dir,omitempty"`
	Validity checkers.Validity `json:"validity,omitempty"`
	Unsafe   bool              `json:"unsafe,omitempty"`
	// Problem is the first fatal anomaly's sentence, or the harness error.
	Problem string `json:"problem,omitempty"`
	// Vacuous names the vacuity checker's anomalies when they decided an
	// unknown verdict ("no-faults").
	Vacuous []string `json:"vacuous,omitempty"`
	// The liveness checker's figures (absent without one): each
	// failover's time, how many never saw a new leader, the false
	// failovers, elections per minute and the time without a leader.
	FailoversS         []float64 `json:"failovers_s,omitempty"`
	Unresolved         int       `json:"failovers_unresolved,omitempty"`
	FalseFailovers     int       `json:"false_failovers,omitempty"`
	ElectionsPerMinute *float64  `json:"elections_per_minute,omitempty"`
	NoLeaderS          *float64  `json:"no_leader_s,omitempty"`
}

// Recommendation is the sweep's answer for one fault line: the smallest
// value with no unsafe run and no false failover over all its repeats, or
// why there is none.
type Recommendation struct {
	Fault string `json:"fault"`
	// Value is the recommended value; "" when none qualifies.
	Value string `json:"value,omitempty"`
	Text  string `json:"text"`
}

// WriteSweep writes sweep.json atomically.
func WriteSweep(path string, s Sweep) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode sweep: %w", err)
	}
	return writeAtomic(path, append(b, '\n'))
}

// ReadSweep reads a sweep.json.
func ReadSweep(path string) (Sweep, error) {
	var s Sweep
	b, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("read sweep: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	if s.Format != SweepFormat {
		return s, fmt.Errorf("%s: format %q, want %q", path, s.Format, SweepFormat)
	}
	return s, nil
}
