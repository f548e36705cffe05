package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Matrix is a list of plans that `chaos matrix` runs one after another:
// every combination of its axes' values over its base plan, then the plan
// files it lists. A matrix file reads
//
//	name: nightly
//	base:                      # plan fields every run shares
//	  duration: 60s
//	axes:                      # one value of each axis per run
//	  target: [etcd, zookeeper, consul]  # a list: values of that plan field
//	  faults:                            # a mapping: label → plan fields
//	    partitions: {nemesis: {faults: [{kind: partition, shape: isolate-leader, duration: 8s}]}}
//	    pauses:     {nemesis: {faults: [{kind: pause, victim: leader, duration: 8s}]}}
//	exclude:                   # combinations not to run, by label
//	  - {target: consul, faults: pauses}
//	plans:                     # plan files, relative to this file
//	  - ../examples/etcd-register.yaml
//
// A combination's run is named after its labels ("etcd-partitions").
type Matrix struct {
	Name      string
	KeepGoing bool
	Entries   []MatrixEntry

	// Digest is the SHA-256 (hex) of the matrix file as read and of the
	// plan files it lists: shards of one matrix carry the same one.
	Digest string
	// Count, Seed, Shard and Total are set by [Matrix.Repeated] and
	// [Matrix.Sharded]: the repeats of each run, the seed theirs derive
	// from, the part of the list this is, and the whole list's length.
	Count int
	Seed  int64
	Shard Shard
	Total int
}

// MatrixEntry is one run of a matrix.
type MatrixEntry struct {
	Plan Plan
	// From says where the plan came from: "nightly.yaml:7" (the
	// combination's first axis value) or a plan file.
	From string
	// Cell is the run's name without its repeat ("etcd-pauses" for
	// "etcd-pauses-r2"); Repeat counts from 1 ([Matrix.Repeated]).
	Cell   string
	Repeat int
}

// maxMatrixRuns bounds a matrix's expansion: a typo in an axis should not
// queue a week of runs.
const maxMatrixRuns = 500

// matrixAxis is one axis: its name and its values in file order.
type matrixAxis struct {
	name   string
	values []axisValue
}

// axisValue is one value of an axis: the label that names it and the plan
// fields it sets.
type axisValue struct {
	label string
	node  *yaml.Node // a mapping of plan fields
	line  int
}

// LoadMatrix reads and expands the matrix file at path. Every plan is
// decoded and validated before anything runs: problems are [PlanError]s
// naming the file, the line and the field (exit 254).
func LoadMatrix(path string) (Matrix, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Matrix{}, &Error{File: path, Msg: fmt.Sprintf("read matrix: %v", err), Err: err}
	}
	return ParseMatrix(path, b)
}

// ParseMatrix is [LoadMatrix] for a file already in memory.
func ParseMatrix(file string, data []byte) (Matrix, error) {
	root, perr := parseYAML(file, data)
	if perr != nil {
		return Matrix{}, perr
	}
	if root == nil {
		return Matrix{}, &Error{File: file, Msg: "empty matrix: want a name and axes or plans"}
	}
	var (
		m        Matrix
		d        = &decoder{file: file}
		baseNode *yaml.Node
		axes     []matrixAxis
		excludes []map[string]*yaml.Node
		plans    []*yaml.Node
	)
	d.mapping(root, "", []fieldDef{
		{"name", func(f string, v *yaml.Node) { d.str(f, v, &m.Name) }},
		{"keep_going", func(f string, v *yaml.Node) { d.boolean(f, v, &m.KeepGoing) }},
		{"base", func(f string, v *yaml.Node) { baseNode = v }},
		{"axes", func(f string, v *yaml.Node) { axes = d.axes(f, v) }},
		{"exclude", func(f string, v *yaml.Node) { excludes = d.excludes(f, v) }},
		{"plans", func(f string, v *yaml.Node) {
			v = resolve(v)
			if v.Kind != yaml.SequenceNode {
				d.fail(v, f, "want a list of plan files, got %s", describe(v))
				return
			}
			plans = v.Content
		}},
	})
	if m.Name == "" {
		d.fail(root, "name", "a matrix needs a name (it names its directory)")
	} else if !ValidName(m.Name) {
		d.fail(root, "name", "%q is not a valid directory name", m.Name)
	}
	d.checkExcludes(excludes, axes)
	// Go on after errors: one pass reports every problem of the file.

	base := Default()
	if baseNode != nil {
		base = layer(file, base, baseNode, &d.errs)
	}
	digest := sha256.New()
	digest.Write(data)
	seen := map[string]string{}
	add := func(e MatrixEntry, line int) {
		if prev, dup := seen[e.Plan.Name]; dup {
			d.errs.add(&Error{File: file, Line: line, Msg: fmt.Sprintf("two runs named %q (the other from %s): give them distinct labels or names", e.Plan.Name, prev)})
			return
		}
		seen[e.Plan.Name] = e.From
		m.Entries = append(m.Entries, e)
	}
	if len(axes) > 0 {
		for _, combo := range combinations(axes) {
			if excluded(combo, axes, excludes) {
				continue
			}
			if len(m.Entries) == maxMatrixRuns {
				d.errs.add(&Error{File: file, Field: "axes", Msg: fmt.Sprintf("more than %d runs: split the matrix", maxMatrixRuns)})
				break
			}
			p := base
			labels := make([]string, len(combo))
			for i, vi := range combo {
				v := axes[i].values[vi]
				labels[i] = v.label
				p = layer(file, p, v.node, &d.errs)
			}
			first := axes[0].values[combo[0]]
			p.Name = strings.Join(labels, "-")
			p.setOrigin("name", origin{file: file, line: first.line})
			checkLayered(p, &d.errs)
			add(MatrixEntry{Plan: p, From: fmt.Sprintf("%s:%d", file, first.line)}, first.line)
		}
	}
	for i, n := range plans {
		field := fmt.Sprintf("plans[%d]", i)
		var rel string
		if !d.str(field, n, &rel) {
			continue
		}
		path := rel
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(file), rel)
		}
		p, err := Load(path, Default())
		if err != nil {
			for _, pe := range AllErrors(err) {
				d.errs.add(pe)
			}
			if len(AllErrors(err)) == 0 {
				d.fail(n, field, "%v", err)
			}
			continue
		}
		add(MatrixEntry{Plan: p, From: path}, n.Line)
		if b, err := os.ReadFile(path); err == nil { // the digest covers the plan files too
			fmt.Fprintf(digest, "\x00%s\x00%d\x00", rel, len(b))
			digest.Write(b)
		}
	}
	if len(d.errs.list) == 0 && len(m.Entries) == 0 {
		d.fail(root, "axes", "the matrix has no runs: give it axes or plans")
	}
	if len(d.errs.list) > 0 {
		return m, d.errs.err()
	}
	m.Digest = hex.EncodeToString(digest.Sum(nil))
	for i := range m.Entries {
		m.Entries[i].Cell, m.Entries[i].Repeat = m.Entries[i].Plan.Name, 1
	}
	m.Count, m.Total = 1, len(m.Entries)
	return m, nil
}

// axes decodes the axes mapping: each axis is a list of scalars (values of
// the plan field the axis is named after, "target" or "register.read_mode")
// or a mapping of labels to plan fields.
func (d *decoder) axes(field string, n *yaml.Node) []matrixAxis {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n, field, "want a mapping of axes, got %s", describe(n))
		return nil
	}
	var out []matrixAxis
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if ax, ok := d.axis(field+"."+k.Value, k.Value, v); ok {
			out = append(out, ax)
		}
	}
	return out
}

// axis decodes one axis named key (its field in errors: name): a list of
// scalars, values of the plan field key, or a mapping of labels to plan
// fields. ok is false when it has no usable value.
func (d *decoder) axis(name, key string, v *yaml.Node) (ax matrixAxis, ok bool) {
	ax = matrixAxis{name: key}
	labels := map[string]int{}
	addValue := func(label string, node *yaml.Node, line int) {
		if !namePattern.MatchString(label) {
			d.fail(node, name, "label %q cannot name a run: use letters, digits, '.', '_' and '-'", label)
			return
		}
		if first, dup := labels[label]; dup {
			d.fail(node, name, "label %q twice (first on line %d)", label, first)
			return
		}
		labels[label] = line
		ax.values = append(ax.values, axisValue{label: label, node: node, line: line})
	}
	switch v.Kind {
	case yaml.SequenceNode:
		for _, item := range v.Content {
			item = resolve(item)
			if item.Kind != yaml.ScalarNode {
				d.fail(item, name, "a list axis holds values of the plan field %q; for plan fields, use a mapping of labels", key)
				continue
			}
			addValue(item.Value, fieldNode(key, item), item.Line)
		}
	case yaml.MappingNode:
		for j := 0; j+1 < len(v.Content); j += 2 {
			lk, lv := resolve(v.Content[j]), resolve(v.Content[j+1])
			if lv.Kind != yaml.MappingNode {
				d.fail(lv, name+"."+lk.Value, "want plan fields (a mapping), got %s", describe(lv))
				continue
			}
			addValue(lk.Value, lv, lk.Line)
		}
	default:
		d.fail(v, name, "want a list of values or a mapping of labels to plan fields, got %s", describe(v))
		return ax, false
	}
	if len(v.Content) == 0 {
		d.fail(v, name, "an axis needs at least one value")
		return ax, false
	}
	return ax, len(ax.values) > 0
}

// fieldNode makes the plan-fields mapping {a: {b: value}} for the dotted
// field "a.b", with value's line on every key.
func fieldNode(field string, value *yaml.Node) *yaml.Node {
	n := value
	parts := strings.Split(field, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: parts[i], Line: value.Line, Column: value.Column}
		n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{key, n}, Line: value.Line, Column: value.Column}
	}
	return n
}

// excludes decodes the exclude list: mappings of axis names to labels.
func (d *decoder) excludes(field string, n *yaml.Node) []map[string]*yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.fail(n, field, "want a list of {axis: label} mappings, got %s", describe(n))
		return nil
	}
	var out []map[string]*yaml.Node
	for i, item := range n.Content {
		item = resolve(item)
		name := fmt.Sprintf("%s[%d]", field, i)
		if item.Kind != yaml.MappingNode {
			d.fail(item, name, "want a mapping of axis names to labels, got %s", describe(item))
			continue
		}
		ex := map[string]*yaml.Node{}
		for j := 0; j+1 < len(item.Content); j += 2 {
			ex[resolve(item.Content[j]).Value] = resolve(item.Content[j+1])
		}
		out = append(out, ex)
	}
	return out
}

// checkExcludes makes sure every exclusion names a real axis and label: a
// misspelt one would silently exclude nothing.
func (d *decoder) checkExcludes(excludes []map[string]*yaml.Node, axes []matrixAxis) {
	for _, ex := range excludes {
		for axis, label := range ex {
			i := axisIndex(axes, axis)
			if i < 0 {
				d.fail(label, "exclude", "no axis %q", axis)
				continue
			}
			if valueIndex(axes[i], label.Value) < 0 {
				d.fail(label, "exclude", "axis %q has no label %q", axis, label.Value)
			}
		}
	}
}

func axisIndex(axes []matrixAxis, name string) int {
	for i, a := range axes {
		if a.name == name {
			return i
		}
	}
	return -1
}

func valueIndex(a matrixAxis, label string) int {
	for i, v := range a.values {
		if v.label == label {
			return i
		}
	}
	return -1
}

// combinations lists every choice of one value per axis, the first axis
// varying slowest.
func combinations(axes []matrixAxis) [][]int {
	out := [][]int{{}}
	for _, a := range axes {
		var next [][]int
		for _, prefix := range out {
			for i := range a.values {
				next = append(next, append(append([]int(nil), prefix...), i))
			}
		}
		out = next
		if len(out) > maxMatrixRuns*4 {
			break // bounded: LoadMatrix reports too many runs
		}
	}
	return out
}

func excluded(combo []int, axes []matrixAxis, excludes []map[string]*yaml.Node) bool {
	for _, ex := range excludes {
		all := len(ex) > 0
		for axis, label := range ex {
			i := axisIndex(axes, axis)
			if i < 0 || i >= len(combo) || axes[i].values[combo[i]].label != label.Value {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// layer decodes the plan fields in n over p. Its decoding problems are
// added to errs once each, however many combinations share the value.
func layer(file string, p Plan, n *yaml.Node, errs *planErrs) Plan {
	d := &decoder{file: file, plan: p}
	d.top(n)
	for _, e := range d.errs.list {
		addOnce(errs, e)
	}
	return d.plan
}

// checkLayered validates a combination's plan; problems shared by many
// combinations are reported once.
func checkLayered(p Plan, errs *planErrs) {
	var mine planErrs
	p.validate(&mine, nil)
	for _, e := range mine.list {
		e.Msg += fmt.Sprintf(" (in run %q)", p.Name)
		addOnce(errs, e)
	}
}

func addOnce(errs *planErrs, e *Error) {
	for _, have := range errs.list {
		if have.File == e.File && have.Line == e.Line && have.Field == e.Field {
			return
		}
	}
	errs.add(e)
}
