package plan

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// PlanError is one thing wrong with a plan, pointing at where the bad value
// came from: a file and line, a command-line flag, or neither (a plan built
// in code). Its message reads
//
//	plan.yaml:12: field "nemesis.faults[1].duration": bad duration "5 seconds" ...
//
// [ExitCode] maps it to 254.
type Error struct {
	// File is the plan file; "" when the value did not come from a file.
	File string
	// Line is 1-based; 0 when unknown.
	Line int
	// Flag is the command-line flag that set the value ("--nodes"), if any.
	Flag string
	// Field is the plan field at fault, in YAML spelling
	// ("nemesis.faults[1].duration"); "" for errors of the file as a whole.
	Field string
	// Msg says what is wrong and, where it helps, what would be right.
	Msg string
	// Err is the underlying error, if any (reading the file).
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Flag != "":
		fmt.Fprintf(&b, "flag %s: ", e.Flag)
	default:
		b.WriteString("plan: ")
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// PlanErrors are several things wrong with one plan, in the order of the
// file. errors.As finds each [PlanError] in it.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// AllPlanErrors lists the plan errors in err: the elements of a
// [PlanErrors], a single [PlanError], or nil.
func AllErrors(err error) []*Error {
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}

// maxPlanErrors caps how many errors one plan reports.
const maxPlanErrors = 20

// planErrs collects errors and returns them as one error.
type planErrs struct{ list []*Error }

func (c *planErrs) add(e *Error) {
	if len(c.list) < maxPlanErrors {
		c.list = append(c.list, e)
	}
}

// err is nil, the single error, or all of them sorted by file line.
func (c *planErrs) err() error {
	switch len(c.list) {
	case 0:
		return nil
	case 1:
		return c.list[0]
	}
	es := slices.Clone(c.list)
	slices.SortStableFunc(es, func(a, b *Error) int {
		// Errors without a line (from flags or code) come after those
		// with one.
		la, lb := a.Line, b.Line
		if la == 0 {
			la = 1 << 30
		}
		if lb == 0 {
			lb = 1 << 30
		}
		return cmp.Compare(la, lb)
	})
	return Errors(es)
}

// IsError reports whether err is, or wraps, a plan [Error]: bad input,
// which the commands exit with 254.
func IsError(err error) bool {
	var pe *Error
	return errors.As(err, &pe)
}
