package reports

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/chaos-election/chaos/checkers"
)

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr,omitempty"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkip    `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitSkip struct {
	Message string `xml:"message,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes one test suite with one test case per checker: an
// invalid checker is a <failure> whose text lists its fatal anomalies'
// sentences; an unknown one is an <error> — the run proved nothing, which
// is not a pass and not a found bug; a valid one passes, with its summary
// as system-out.
func WriteJUnit(path string, suite string, r checkers.Results) error {
	return writeJUnit(path, junitSuites{Suites: []junitSuite{suiteOf(suite, r)}})
}

// JUnitRun is one run of a matrix in the combined junit.xml: its results,
// or the error that stopped it, or that it did not run.
type JUnitRun struct {
	Name    string
	Results *checkers.Results
	Error   string
	Skipped bool
}

// WriteJUnitRuns writes a combined junit.xml: one test suite per run, as
// WriteJUnit writes it; a run that failed to run is one <error> case, one
// that did not run one <skipped> case.
func WriteJUnitRuns(path string, runs []JUnitRun) error {
	var all junitSuites
	for _, r := range runs {
		switch {
		case r.Results != nil:
			all.Suites = append(all.Suites, suiteOf(r.Name, *r.Results))
		case r.Skipped:
			all.Suites = append(all.Suites, junitSuite{Name: r.Name, Tests: 1, Skipped: 1,
				Cases: []junitCase{{Name: "run", Classname: "chaos." + r.Name, Skipped: &junitSkip{Message: "not run: the matrix stopped before it"}}}})
		default:
			all.Suites = append(all.Suites, junitSuite{Name: r.Name, Tests: 1, Errors: 1,
				Cases: []junitCase{{Name: "run", Classname: "chaos." + r.Name, Error: &junitProblem{Message: r.Error, Type: "harness", Text: r.Error}}}})
		}
	}
	return writeJUnit(path, all)
}

func suiteOf(suite string, r checkers.Results) junitSuite {
	s := junitSuite{Name: suite}
	for _, res := range r.Results {
		c := junitCase{Name: res.Checker, Classname: "chaos." + suite, SystemOut: res.Summary}
		var lines []string
		for _, a := range res.Anomalies {
			if a.Fatal {
				lines = append(lines, fmt.Sprintf("[%s] %s (ops %v)", a.Kind, a.Message, a.Ops))
			}
		}
		switch res.Validity {
		case checkers.Invalid:
			c.Failure = &junitProblem{Message: res.Summary, Type: "invalid", Text: strings.Join(lines, "\n")}
			s.Failures++
		case checkers.Unknown:
			c.Error = &junitProblem{Message: res.Summary, Type: "unknown", Text: strings.Join(lines, "\n")}
			s.Errors++
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	return s
}

func writeJUnit(path string, all junitSuites) error {
	b, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	return writeAtomic(path, append([]byte(xml.Header), append(b, '\n')...))
}
