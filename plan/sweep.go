package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Sweep is a matrix with meaning: one plan field swept over values (the x
// axis of `chaos sweep`'s plots) crossed with fault settings (one line
// each), every cell run Count times. A sweep file reads
//
//	name: lease-ttl
//	base: {target: etcd, duration: 40s, resource: none}
//	setting:                 # exactly one swept plan field: the x axis
//	  lease_ttl: [1s, 2s, 3s, 4s]
//	faults:                  # one line per fault setting: label → plan fields
//	  none: {nemesis: {faults: []}}
//	  pause-2x: {nemesis: {interval: 5s, faults: [{kind: client-pause, victim: leader, duration: 2x}]}}
//	count: 3
//	seed: 7
//
// A value written Nx in a fault line ("2x", "1.5x") is N times the swept
// value, when the setting is a duration. A fault line with no faults is a
// control: its runs set checks.allow_no_faults, so their verdict is that
// of a quiet cluster rather than "unknown: no faults". Cell runs are named
// "lease_ttl-3s-pause-2x" (the setting's last part, the value, the fault
// line), and "…-rK" when repeated.
type Sweep struct {
	// Matrix holds one entry per cell, values slowest, then (after
	// [Sweep.Expand]) its repeats.
	Matrix
	// Setting is the swept plan field, in YAML spelling ("lease_ttl",
	// "consul.lock_delay").
	Setting string
	// Kind is what the setting's values are: [SettingDuration],
	// [SettingNumber] or [SettingText].
	Kind string
	// Values are the setting's values, in the file's (increasing) order.
	Values []SweepValue
	// Faults are the fault lines, in the file's order.
	Faults []SweepFault
	// Cells are value × fault, in the order of the matrix's cells.
	Cells []SweepCell
	// FileCount and FileSeed are the file's count (1 when absent) and
	// seed (0 when absent): what [Sweep.Expand] takes for 0.
	FileCount int
	FileSeed  int64

	file      string
	countLine int
}

// The kinds of a swept setting's values.
const (
	SettingDuration = "duration" // Go durations: x in seconds; Nx multiples apply
	SettingNumber   = "number"   // integers or numbers
	SettingText     = "text"     // anything else: x is the value's place
)

// SweepValue is one value of the swept setting.
type SweepValue struct {
	// Label is the value as written ("3s"), and names its cells.
	Label string
	// X is its place on the plots' x axis: seconds for a duration, the
	// number itself, or 1, 2, … for text.
	X float64
	// Duration is the value when the setting is a duration.
	Duration time.Duration
	Line     int
}

// SweepFault is one fault line.
type SweepFault struct {
	Label string
	// Control: the line has no faults (its runs allow none).
	Control bool
	Line    int
}

// SweepCell is one cell: a value of the setting under one fault line.
type SweepCell struct {
	// Name is the cell's run name without a repeat ("lease_ttl-3s-none").
	Name         string
	Value, Fault int // indices into Values and Faults
}

// multiplePattern is a value written as a multiple of the swept setting.
var multiplePattern = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)x$`)

// LoadSweep reads and expands the sweep file at path. Every plan is
// decoded and validated before anything runs: problems are [Error]s
// naming the file, the line and the field (exit 254).
func LoadSweep(path string) (Sweep, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Sweep{}, &Error{File: path, Msg: fmt.Sprintf("read sweep: %v", err), Err: err}
	}
	return ParseSweep(path, b)
}

// ParseSweep is [LoadSweep] for a file already in memory.
func ParseSweep(file string, data []byte) (Sweep, error) {
	root, perr := parseYAML(file, data)
	if perr != nil {
		return Sweep{}, perr
	}
	if root == nil {
		return Sweep{}, &Error{File: file, Msg: "empty sweep: want a name, a setting and faults"}
	}
	s := Sweep{file: file, FileCount: 1}
	d := &decoder{file: file}
	var baseNode, settingNode, faultsNode *yaml.Node
	d.mapping(root, "", []fieldDef{
		{"name", func(f string, v *yaml.Node) { d.str(f, v, &s.Name) }},
		{"base", func(f string, v *yaml.Node) { baseNode = v }},
		{"setting", func(f string, v *yaml.Node) { settingNode = v }},
		{"faults", func(f string, v *yaml.Node) { faultsNode = v }},
		{"count", func(f string, v *yaml.Node) {
			s.countLine = resolve(v).Line
			d.integer(f, v, &s.FileCount)
			if s.FileCount < 1 || s.FileCount > maxCount {
				d.fail(v, f, "must be between 1 and %d, got %d", maxCount, s.FileCount)
			}
		}},
		{"seed", func(f string, v *yaml.Node) { d.integer64(f, v, &s.FileSeed) }},
	})
	switch {
	case s.Name == "":
		d.fail(root, "name", "a sweep needs a name (it names its directory)")
	case !ValidName(s.Name):
		d.fail(root, "name", "%q is not a valid directory name", s.Name)
	}
	setting, ok := d.sweepSetting(root, settingNode, &s)
	faults := d.sweepFaults(root, faultsNode, s.Setting)
	if !ok || len(faults.values) == 0 {
		if len(d.errs.list) == 0 { // every way here records why; a safety net
			d.fail(root, "setting", "the sweep has no cells")
		}
		return s, d.errs.err()
	}
	d.checkMultiples(faults, s)

	base := Default()
	if baseNode != nil {
		base = layer(file, base, baseNode, &d.errs)
	}
	if n := len(setting.values) * len(faults.values); n > maxMatrixRuns {
		d.errs.add(&Error{File: file, Field: "setting", Msg: fmt.Sprintf("%d cells are more than %d runs: split the sweep", n, maxMatrixRuns)})
		return s, d.errs.err()
	}
	d.sweepCells(&s, base, setting, faults)
	d.annotateMultiples(faults)
	if len(d.errs.list) > 0 {
		return s, d.errs.err()
	}
	sum := sha256.Sum256(data)
	s.Digest = hex.EncodeToString(sum[:])
	s.KeepGoing = true // a sweep wants every cell, unsafe ones most of all
	s.Count, s.Total = 1, len(s.Entries)
	return s, nil
}

// sweepCells layers each value and then each fault line over base, one
// cell each, values slowest: its plan (Nx multiples of the value, a
// control's allow_no_faults), checked, is its matrix entry.
func (d *decoder) sweepCells(s *Sweep, base Plan, setting, faults matrixAxis) {
	file := d.file
	leaf := s.Setting[strings.LastIndex(s.Setting, ".")+1:]
	for _, fv := range faults.values {
		s.Faults = append(s.Faults, SweepFault{Label: fv.label, Line: fv.line})
	}
	seen := map[string]int{}
	for vi, vv := range setting.values {
		for fi, fv := range faults.values {
			p := layer(file, base, vv.node, &d.errs)
			line := fv.node
			if s.Kind == SettingDuration {
				line = times(fv.node, s.Values[vi].Duration)
			}
			p = layer(file, p, line, &d.errs)
			if len(p.Nemesis.Faults) == 0 {
				// A control line: a quiet cluster's verdict, not "no faults".
				p.Checks.AllowNoFaults = true
				s.Faults[fi].Control = true
			}
			p.Name = strings.Join([]string{leaf, vv.label, fv.label}, "-")
			p.setOrigin("name", origin{file: file, line: vv.line})
			if first, dup := seen[p.Name]; dup {
				d.errs.add(&Error{File: file, Line: fv.line, Field: "faults." + fv.label, Msg: fmt.Sprintf("two cells named %q (the other's value on line %d): give them distinct labels", p.Name, first)})
				continue
			}
			seen[p.Name] = vv.line
			checkLayered(p, &d.errs)
			s.Entries = append(s.Entries, MatrixEntry{Plan: p, From: fmt.Sprintf("%s:%d", file, vv.line), Cell: p.Name, Repeat: 1})
			s.Cells = append(s.Cells, SweepCell{Name: p.Name, Value: vi, Fault: fi})
		}
	}
}

// sweepSetting decodes the setting: a mapping of exactly one plan field to
// a list of its values, increasing when they are durations or numbers.
func (d *decoder) sweepSetting(root, n *yaml.Node, s *Sweep) (matrixAxis, bool) {
	if n == nil {
		d.fail(root, "setting", "a sweep needs a setting: one plan field and its values, such as lease_ttl: [1s, 2s, 4s]")
		return matrixAxis{}, false
	}
	n = resolve(n)
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		d.fail(n, "setting", "want exactly one plan field and its values (lease_ttl: [1s, 2s, 4s]), got %s", describeSetting(n))
		return matrixAxis{}, false
	}
	k, v := resolve(n.Content[0]), resolve(n.Content[1])
	s.Setting = k.Value
	field := "setting." + k.Value
	if v.Kind != yaml.SequenceNode {
		d.fail(v, field, "want a list of the field's values (the x axis), got %s", describe(v))
		return matrixAxis{}, false
	}
	ax, ok := d.axis(field, k.Value, v)
	if !ok {
		return ax, false
	}
	s.Kind = settingKind(v.Content)
	for i, av := range ax.values {
		sv := SweepValue{Label: av.label, X: float64(i + 1), Line: av.line}
		switch s.Kind {
		case SettingDuration:
			sv.Duration, _ = parseDuration(av.label)
			sv.X = sv.Duration.Seconds()
		case SettingNumber:
			sv.X, _ = strconv.ParseFloat(av.label, 64)
		}
		if i > 0 && s.Kind != SettingText && sv.X <= s.Values[i-1].X {
			d.errs.add(&Error{File: d.file, Line: av.line, Field: field,
				Msg: fmt.Sprintf("the values are the plots' x axis: list them in increasing order (%s after %s)", sv.Label, s.Values[i-1].Label)})
		}
		s.Values = append(s.Values, sv)
	}
	return ax, len(s.Values) == len(v.Content)
}

// describeSetting says what a setting holds instead of one field.
func describeSetting(n *yaml.Node) string {
	if n.Kind == yaml.MappingNode {
		keys := make([]string, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			keys = append(keys, resolve(n.Content[i]).Value)
		}
		if len(keys) == 0 {
			return "no field"
		}
		return fmt.Sprintf("%d fields (%s): sweep one, and cross the others in a matrix", len(keys), strings.Join(keys, ", "))
	}
	return describe(n)
}

// settingKind is a duration when every value is one, a number when every
// value is one, and text otherwise.
func settingKind(items []*yaml.Node) string {
	durations, numbers := true, true
	for _, it := range items {
		it = resolve(it)
		if _, err := parseDuration(it.Value); it.Tag != "!!str" || err != nil {
			durations = false
		}
		if it.Tag != "!!int" && it.Tag != "!!float" {
			numbers = false
		}
	}
	switch {
	case durations:
		return SettingDuration
	case numbers:
		return SettingNumber
	}
	return SettingText
}

// sweepFaults decodes the fault lines: a mapping of labels to plan fields,
// none of which may set the swept field itself.
func (d *decoder) sweepFaults(root, n *yaml.Node, setting string) matrixAxis {
	if n == nil {
		d.fail(root, "faults", "a sweep needs fault lines: labels to plan fields, such as none: {nemesis: {faults: []}}")
		return matrixAxis{}
	}
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n, "faults", "want a mapping of labels to plan fields (one line each), got %s", describe(n))
		return matrixAxis{}
	}
	ax, _ := d.axis("faults", "faults", n)
	for _, v := range ax.values {
		if setting == "" {
			continue
		}
		if k := lookup(v.node, strings.Split(setting, ".")); k != nil {
			d.fail(k, "faults."+v.label+"."+setting, "a fault line must not set the swept setting %s: the sweep sets it", setting)
		}
	}
	return ax
}

// lookup finds the key node of the dotted path in a mapping of plan
// fields, or nil.
func lookup(n *yaml.Node, path []string) *yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k.Value != path[0] {
			continue
		}
		if len(path) == 1 {
			return k
		}
		return lookup(n.Content[i+1], path[1:])
	}
	return nil
}

// checkMultiples fails every Nx value of the fault lines when the swept
// setting is not a duration: there is nothing to multiply.
func (d *decoder) checkMultiples(faults matrixAxis, s Sweep) {
	if s.Kind == SettingDuration {
		return
	}
	for _, v := range faults.values {
		eachMultiple(v.node, "faults."+v.label, func(n *yaml.Node, field string) {
			d.fail(n, field, "%s is a multiple of the swept setting, which must then be a duration; %s's values are not (%s)", n.Value, s.Setting, s.Kind)
		})
	}
}

// annotateMultiples adds to an error on a line written Nx what the value
// was multiplied into, since the message quotes the product.
func (d *decoder) annotateMultiples(faults matrixAxis) {
	lines := map[int]string{}
	for _, v := range faults.values {
		eachMultiple(v.node, "", func(n *yaml.Node, _ string) { lines[n.Line] = n.Value })
	}
	for _, e := range d.errs.list {
		if w, ok := lines[e.Line]; ok && e.File == d.file && !strings.Contains(e.Msg, "multiple") {
			e.Msg += fmt.Sprintf(" (written %s: a multiple of the swept setting)", w)
		}
	}
}

// eachMultiple calls fn on every value in n written Nx, with its field.
func eachMultiple(n *yaml.Node, field string, fn func(n *yaml.Node, field string)) {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			eachMultiple(n.Content[i+1], joinField(field, resolve(n.Content[i]).Value), fn)
		}
	case yaml.SequenceNode:
		for i, it := range n.Content {
			eachMultiple(it, fmt.Sprintf("%s[%d]", field, i), fn)
		}
	case yaml.ScalarNode:
		if n.Tag == "!!str" && multiplePattern.MatchString(n.Value) {
			fn(n, field)
		}
	}
}

func joinField(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// times is a copy of the plan fields n with every value written Nx
// replaced by N × unit, as a duration (lines kept; aliases resolved).
func times(n *yaml.Node, unit time.Duration) *yaml.Node {
	n = resolve(n)
	c := *n
	c.Alias, c.Anchor = nil, ""
	switch n.Kind {
	case yaml.ScalarNode:
		if m := multiplePattern.FindStringSubmatch(n.Value); m != nil && n.Tag == "!!str" {
			k, _ := strconv.ParseFloat(m[1], 64)
			c.Value = FormatDuration(time.Duration(math.Round(k * float64(unit))))
		}
	case yaml.MappingNode: // keys as they are, values multiplied
		c.Content = slices.Clone(n.Content)
		for i := 1; i < len(c.Content); i += 2 {
			c.Content[i] = times(c.Content[i], unit)
		}
	case yaml.SequenceNode:
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			c.Content[i] = times(child, unit)
		}
	}
	return &c
}

// Expand is what `chaos sweep --count --seed --shard` runs: the whole
// sweep with each cell count times, each repeat with its own seed
// ([Matrix.Expand]), of which shard sh will run its part. count 0 takes
// the file's count, seed 0 the file's seed. Repeats and shards need a
// seed, so that each run's is the same wherever it runs.
func (s Sweep) Expand(count int, seed int64, sh Shard) (Sweep, error) {
	fromFile := count == 0
	if fromFile {
		count = s.FileCount
	}
	if seed == 0 {
		seed = s.FileSeed
	}
	if fromFile && count > 1 && seed == 0 {
		return s, &Error{File: s.file, Line: s.countLine, Field: "count", Msg: fmt.Sprintf("%d repeats need a seed to derive theirs from: add seed: to the file, or pass --seed", count)}
	}
	m, err := s.Matrix.Expand(count, seed, sh)
	if err != nil {
		return s, err
	}
	s.Matrix = m
	return s, nil
}

// Cell is the cell named name ("lease_ttl-3s-none").
func (s Sweep) Cell(name string) (SweepCell, bool) {
	for _, c := range s.Cells {
		if c.Name == name {
			return c, true
		}
	}
	return SweepCell{}, false
}
