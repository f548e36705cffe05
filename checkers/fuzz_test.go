package checkers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/reports"
)

// FuzzCheck is what `chaos check` does with arbitrary bytes: read them as
// a history, run every checker, print the summary, write results.json and
// the report (in memory). It must never panic; malformed input must be a ParseError
// (exit 254 with file:line), never anything else. (The CLI's mapping of
// errors to exit codes is tested in cmd/chaos; fuzzing there is slow
// because the binary links the Docker and etcd clients.)
func FuzzCheck(f *testing.F) {
	for _, fx := range fixtures {
		b, err := os.ReadFile(filepath.Join("testdata", fx.file))
		if err != nil {
			f.Fatal(err)
		}
		// Small seeds: the first lines, whole and cut.
		lines := bytes.SplitAfter(b, []byte("\n"))
		f.Add(bytes.Join(lines[:8], nil))
		f.Add(bytes.Join(lines[:5], nil)[:300])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("checking %d bytes took %v", len(data), d)
			}
		}()
		ops, _, err := history.Read(bytes.NewReader(data), "history.jsonl")
		if err != nil {
			var pe *history.ParseError
			if !errors.As(err, &pe) || pe.File != "history.jsonl" || pe.Line < 1 {
				t.Fatalf("malformed input gave %v, want a ParseError with file:line", err)
			}
			return
		}
		for _, opts := range []checkers.Options{{}, {Strict: true, AllowNoFaults: true, Limits: checkers.Limits{MaxNoLeader: 1, MaxFailover: 1, MaxElectionsPerMin: 1, MaxFalseFailovers: checkers.AtMost(0)}}} {
			r := checkers.Run(context.Background(), ops, checkers.Election(opts)...)
			if r.Validity != checkers.Valid && r.Validity != checkers.Invalid && r.Validity != checkers.Unknown {
				t.Fatalf("verdict %q", r.Validity)
			}
			for _, res := range r.Results {
				for _, a := range res.Anomalies {
					if a.Fatal && a.Message == "" {
						t.Fatalf("%s: fatal anomaly without a sentence", res.Checker)
					}
				}
			}
			reports.WriteSummary(io.Discard, r, nil)
			var rf reports.ResultsFile
			rf.Fill(r)
			if _, err := json.Marshal(rf); err != nil {
				t.Fatal(err)
			}
			if err := reports.RenderHTML(io.Discard, reports.Input{Title: "fuzz", Results: r, Ops: ops}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
