package reports

// JUnitCell is one test case of a sweep's junit.xml: a cell and how its
// repeats ended. At most one of Failure, Error and Skipped is set; a case
// with none of them passes.
type JUnitCell struct {
	Name string
	// Failure says why the cell fails: a repeat was invalid.
	Failure string
	// Error says what kept the cell from a verdict: the harness failed on
	// a repeat, or a repeat proved nothing (unknown).
	Error string
	// Skipped says why no repeat of the cell ran here.
	Skipped string
	// Out is the cell's verdict and figures in words (system-out).
	Out string
}

// WriteJUnitCells writes a sweep's junit.xml: one test suite, one case per
// cell.
func WriteJUnitCells(path, suite string, cells []JUnitCell) error {
	s := junitSuite{Name: suite, Tests: len(cells)}
	for _, c := range cells {
		jc := junitCase{Name: c.Name, Classname: "chaos." + suite, SystemOut: c.Out}
		switch {
		case c.Failure != "":
			jc.Failure = &junitProblem{Message: c.Failure, Type: "invalid", Text: c.Out}
			s.Failures++
		case c.Error != "":
			jc.Error = &junitProblem{Message: c.Error, Type: "error", Text: c.Out}
			s.Errors++
		case c.Skipped != "":
			jc.Skipped = &junitSkip{Message: c.Skipped}
			s.Skipped++
		}
		s.Cases = append(s.Cases, jc)
	}
	return writeJUnit(path, junitSuites{Suites: []junitSuite{s}})
}
