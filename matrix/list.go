package matrix

import (
	"fmt"
	"io"

	"github.com/chaos-election/chaos/plan"
)

// PrintList prints the runs a matrix expands to, with their seeds ("drawn"
// when the run will pick one), and, for a shard, which runs are its own:
// those marked "*"; the others are other shards'.
func PrintList(w io.Writer, m plan.Matrix, s plan.Shard) {
	mine := 0
	for j, e := range m.Entries {
		mark := " "
		if s.N > 1 && s.Holds(j) {
			mark = "*"
			mine++
		}
		seed := "seed drawn"
		if e.Plan.Seed != 0 {
			seed = fmt.Sprintf("seed %d", e.Plan.Seed)
		}
		fmt.Fprintf(w, "%s%3d  %-40s %-22s %s  (%s)\n", mark, j+1, e.Plan.Name, seed, e.Plan.Summary(), e.From)
	}
	if s.N > 1 {
		fmt.Fprintf(w, "shard %s runs the %d runs marked * of %d\n", s, mine, len(m.Entries))
	}
}
