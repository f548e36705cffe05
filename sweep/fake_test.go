package sweep

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
	"github.com/chaos-election/chaos/runner"
)

// testSweep is the Docker test's sweep: lease_ttl {2s, 4s} × {a control,
// a client pause of twice the TTL} × 2 repeats.
const testSweep = `name: t
base: {target: etcd, duration: 20s, resource: none}
setting:
  lease_ttl: [2s, 4s]
faults:
  none: {nemesis: {faults: []}}
  pause-2x: {nemesis: {interval: 2s, faults: [{kind: client-pause, victim: leader, duration: 2x}]}}
count: 2
seed: 5
`

func loadTestSweep(t *testing.T) plan.Sweep {
	t.Helper()
	sw, err := plan.ParseSweep("t.yaml", []byte(testSweep))
	if err != nil {
		t.Fatal(err)
	}
	if sw, err = sw.Expand(0, 0, plan.Shard{}); err != nil {
		t.Fatal(err)
	}
	return sw
}

// fake is how a fake run ended: its verdict, what made it so, and its
// liveness figures.
type fake struct {
	validity checkers.Validity
	unsafe   string // "dual-leaders" or "stale-writes" invalid; "" for neither
	vacuous  string // a vacuity anomaly that made it unknown
	took     []float64
	lost     []float64 // failovers no new leader resolved
	falseFOs int
	epm      float64
	noLeader float64
	noLive   bool // no liveness checker (a register run)

	harness string // the harness failed on it
	skipped bool
}

// results is the results.json of a run that ended as f says.
func (f fake) results(name string) reports.ResultsFile {
	rf := reports.ResultsFile{Plan: name, Warnings: []string{}}
	var rs []checkers.Result
	for _, c := range []string{"dual-leaders", "stale-writes"} {
		r := checkers.Result{Checker: c, Validity: checkers.Valid, Anomalies: []checkers.Anomaly{}}
		if c == f.unsafe {
			r.Validity = checkers.Invalid
			r.Anomalies = append(r.Anomalies, checkers.Anomaly{Kind: "stale-write-accepted", Fatal: true, Message: c + " in " + name})
		}
		rs = append(rs, r)
	}
	if !f.noLive {
		live := checkers.Result{Checker: "liveness", Validity: checkers.Valid, Anomalies: []checkers.Anomaly{},
			Figures: map[string]float64{"false_failovers": float64(f.falseFOs), "elections_per_minute": f.epm, "no_leader_total_s": f.noLeader}}
		for _, s := range f.took {
			live.Failovers = append(live.Failovers, checkers.Failover{Fault: "client-pause", TookS: s, Resolved: true})
		}
		for _, s := range f.lost {
			live.Failovers = append(live.Failovers, checkers.Failover{Fault: "client-pause", TookS: s})
		}
		rs = append(rs, live)
	}
	vac := checkers.Result{Checker: "vacuity", Validity: checkers.Valid, Anomalies: []checkers.Anomaly{}}
	if f.vacuous != "" {
		vac.Validity = checkers.Unknown
		vac.Anomalies = append(vac.Anomalies, checkers.Anomaly{Kind: f.vacuous, Fatal: true, Message: "vacuous: " + f.vacuous})
	}
	rs = append(rs, vac)
	rf.Fill(checkers.Results{Validity: f.validity, Ops: 100, Results: rs})
	return rf
}

// layout makes dir a sweep directory as `chaos sweep` leaves it for the
// shard sh of sw: sweep.json's spec, and for each of the shard's runs a
// run directory with the results runs gives it (valid and figureless when
// absent) and its line in matrix.json.
func layout(t *testing.T, dir string, sw plan.Sweep, sh plan.Shard, runs map[string]fake) {
	t.Helper()
	part := sw.Matrix.Sharded(sh)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := reports.WriteSweep(filepath.Join(dir, reports.SweepJSON), Spec(sw, sh)); err != nil {
		t.Fatal(err)
	}
	m := reports.Matrix{Name: sw.Name, Started: "2026-12-03T09:00:00Z", Digest: sw.Digest, Seed: sw.Seed, Count: sw.Count,
		Shard: sh.String(), Total: len(sw.Entries)}
	for _, c := range sw.Cells {
		m.Cells = append(m.Cells, c.Name)
	}
	var vs []checkers.Validity
	for _, e := range part.Entries {
		f, ok := runs[e.Plan.Name]
		if !ok {
			f = fake{validity: checkers.Valid}
		}
		mr := reports.MatrixRun{Name: e.Plan.Name, Cell: e.Cell, Repeat: e.Repeat, Seed: e.Plan.Seed}
		switch {
		case f.harness != "":
			mr.Error = f.harness
		case f.skipped:
			mr.Skipped = true
		default:
			mr.Dir = filepath.Join(e.Plan.Name, "20261203T090000Z")
			mr.Validity = f.validity
			vs = append(vs, f.validity)
			if err := os.MkdirAll(filepath.Join(dir, mr.Dir), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := reports.WriteResults(filepath.Join(dir, mr.Dir, runner.ResultsFile), f.results(e.Plan.Name)); err != nil {
				t.Fatal(err)
			}
		}
		m.Runs = append(m.Runs, mr)
	}
	w := checkers.Worst(vs...)
	m.Validity, m.ExitCode = string(w), w.ExitCode()
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, reports.MatrixJSON), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func jsonIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }
