package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadPlan reads the YAML plan at path over base: fields the file sets
// override base's, a fault list in the file replaces base's whole list, and
// the result is validated. The YAML is strict: an unknown field, a value of
// the wrong type, a bad duration or a bad value is a [PlanError] naming the
// file, the line and the field; all problems found are returned together
// as [PlanErrors].
func Load(path string, base Plan) (Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return base, &Error{File: path, Msg: fmt.Sprintf("read plan: %v", err), Err: err}
	}
	return Parse(path, b, base)
}

// ParsePlan is [LoadPlan] for a plan already in memory; file names it in
// errors.
func Parse(file string, data []byte, base Plan) (Plan, error) {
	root, perr := parseYAML(file, data)
	if perr != nil {
		return base, perr
	}
	d := &decoder{file: file, plan: base}
	if root != nil {
		d.top(root)
	}
	// Values that failed to decode kept base's; check the rest too, so
	// that one pass reports everything.
	d.plan.validate(&d.errs, d.failed)
	if err := d.errs.err(); err != nil {
		return base, err
	}
	return d.plan, nil
}

// yamlLine finds the line number in a yaml.v3 error message; yamlAlias
// the name in an unknown-alias error, which has none.
var (
	yamlLine  = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlAlias = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// parseYAML parses one YAML document; nil for an empty one.
func parseYAML(file string, data []byte) (*yaml.Node, *Error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, yamlError(file, data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: file, Line: extra.Line, Msg: "more than one YAML document; a plan is one"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(file, data, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, nil
		}
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	return root, nil
}

// yamlError turns a yaml.v3 syntax error into a PlanError with its line.
func yamlError(file string, data []byte, err error) *Error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		// yaml.v3 numbers the lines of its scanner's errors from 1 but
		// those of its parser's ("did not find expected ...") from 0, and
		// may point one past the end of the file.
		if strings.HasPrefix(m[2], "did not find expected") {
			line++
		}
		return &Error{File: file, Line: min(line, lineCount(data)), Msg: "bad YAML: " + m[2], Err: err}
	}
	if m := yamlAlias.FindStringSubmatch(msg); m != nil {
		return &Error{File: file, Line: lineOf(data, "*"+m[1]), Msg: "bad YAML: no anchor &" + m[1] + " before this alias", Err: err}
	}
	e := &Error{File: file, Msg: "bad YAML: " + strings.TrimPrefix(msg, "yaml: "), Err: err}
	if strings.HasPrefix(msg, "yaml: did not find expected") {
		e.Line = 1 // a parser error on line 0 (its numbering) has no line
	}
	return e
}

// lineCount is the number of lines in data.
func lineCount(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}

// lineOf is the 1-based line of the first occurrence of s in data; 0 if
// none.
func lineOf(data []byte, s string) int {
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		return 0
	}
	return bytes.Count(data[:i], []byte("\n")) + 1
}
