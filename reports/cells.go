package reports

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/chaos-election/chaos/checkers"
)

// Cell is the repeats of one run of a matrix (`chaos matrix --count N`):
// the runs that share a cell, and how they ended.
type Cell struct {
	Name string
	// Runs are indices into the matrix's Runs, in order.
	Runs   []int
	counts map[string]int
}

// ByCell groups the matrix's runs by cell, in the order each cell first
// appears; a run without a cell is a cell of its own.
func (m Matrix) ByCell() []Cell {
	var cells []Cell
	at := map[string]int{}
	for i, r := range m.Runs {
		name := cmp.Or(r.Cell, r.Name)
		j, ok := at[name]
		if !ok {
			j = len(cells)
			at[name] = j
			cells = append(cells, Cell{Name: name, counts: map[string]int{}})
		}
		cells[j].Runs = append(cells[j].Runs, i)
		cells[j].counts[outcome(r)]++
	}
	return cells
}

// Detected is how many of the cell's repeats were invalid.
func (c Cell) Detected() int { return c.counts[string(checkers.Invalid)] }

// Verdict is the worst of the repeats' verdicts in the index's colours:
// invalid if any repeat was; else unknown if any was not valid (a harness
// error or not run included); else valid.
func (c Cell) Verdict() checkers.Validity {
	switch {
	case c.Detected() > 0:
		return checkers.Invalid
	case c.counts[string(checkers.Valid)] < len(c.Runs):
		return checkers.Unknown
	}
	return checkers.Valid
}

// Rate is the cell's detection rate and the rest of its counts:
// "invalid 7/10 · 2 valid · 1 unknown".
func (c Cell) Rate() string {
	parts := []string{fmt.Sprintf("invalid %d/%d", c.Detected(), len(c.Runs))}
	for _, k := range outcomes {
		if n := c.counts[k]; n > 0 && k != string(checkers.Invalid) {
			parts = append(parts, strconv.Itoa(n)+" "+k)
		}
	}
	return strings.Join(parts, " · ")
}
