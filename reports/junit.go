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
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
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
	b, err := xml.MarshalIndent(junitSuites{Suites: []junitSuite{s}}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	return writeAtomic(path, append([]byte(xml.Header), append(b, '\n')...))
}
