package sweep

import (
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/reports"
)

// Spec is what sweep.json keeps of the sweep itself, before any figure:
// the setting and its values, the fault lines, every cell with the words
// of its faults and all its runs' names and seeds. sw is the whole sweep
// with its repeats (not a shard of it), so every shard saves the same
// cells and runs; shard is the part this directory runs.
func Spec(sw plan.Sweep, shard plan.Shard) reports.Sweep {
	s := reports.Sweep{Format: reports.SweepFormat, Version: 1, Name: sw.Name, Digest: sw.Digest,
		Setting: sw.Setting, Kind: sw.Kind, Count: sw.Count, Seed: sw.Seed, Total: len(sw.Entries), Shard: shard.String()}
	for _, v := range sw.Values {
		s.Values = append(s.Values, reports.SweepValue{Label: v.Label, X: v.X})
	}
	for _, f := range sw.Faults {
		s.Faults = append(s.Faults, reports.SweepFault{Label: f.Label, Control: f.Control})
	}
	for _, c := range sw.Cells {
		cell := reports.SweepCell{Name: c.Name, Value: sw.Values[c.Value].Label, Fault: sw.Faults[c.Fault].Label}
		for _, e := range sw.Entries {
			if e.Cell != c.Name {
				continue
			}
			if len(cell.Runs) == 0 {
				cell.Under = under(e.Plan.Nemesis.Faults)
			}
			cell.Runs = append(cell.Runs, reports.SweepRun{Name: e.Plan.Name, Repeat: e.Repeat, Seed: e.Plan.Seed, Status: reports.RunNotRun})
		}
		s.Cells = append(s.Cells, cell)
	}
	return s
}

// bare is s without anything a run or a directory added: the spec
// sweep.json was first written with (shard kept).
func bare(s reports.Sweep) reports.Sweep {
	out := s
	out.Validity, out.ExitCode, out.Recommendations = "", 0, nil
	out.Cells = make([]reports.SweepCell, len(s.Cells))
	for i, c := range s.Cells {
		b := reports.SweepCell{Name: c.Name, Value: c.Value, Fault: c.Fault, Under: c.Under}
		for _, r := range c.Runs {
			b.Runs = append(b.Runs, reports.SweepRun{Name: r.Name, Repeat: r.Repeat, Seed: r.Seed, Status: reports.RunNotRun})
		}
		out.Cells[i] = b
	}
	return out
}
