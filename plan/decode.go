package plan

import (
	"fmt"
	"math"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/netfault"
)

// decoder walks a parsed YAML plan onto a Plan, strictly: every key must be
// a known field and every value of its field's type. It records where each
// field was set and collects every error with its line.
type decoder struct {
	file string
	plan Plan
	errs planErrs
}

// fieldDef is one field of a YAML mapping and what sets it.
type fieldDef struct {
	name string
	set  func(field string, v *yaml.Node)
}

// failed reports whether field, or a field around or inside it, failed to
// decode.
func (d *decoder) failed(field string) bool {
	for _, e := range d.errs.list {
		if e.Field == field || hasFieldPrefix(field, e.Field) || hasFieldPrefix(e.Field, field) {
			return true
		}
	}
	return false
}

func (d *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	d.errs.add(&Error{File: d.file, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// top decodes the plan's root mapping.
func (d *decoder) top(n *yaml.Node) {
	p := &d.plan
	d.mapping(n, "", []fieldDef{
		{"name", func(f string, v *yaml.Node) { d.str(f, v, &p.Name) }},
		{"target", func(f string, v *yaml.Node) {
			var t string
			if d.str(f, v, &t) {
				p.SetTarget(t)
			}
		}},
		{"nodes", func(f string, v *yaml.Node) { d.integer(f, v, &p.Nodes) }},
		{"cluster", func(f string, v *yaml.Node) { d.str(f, v, &p.Cluster) }},
		{"external", d.decodeExternal},
		{"workload", func(f string, v *yaml.Node) {
			var w string
			if d.str(f, v, &w) {
				p.setWorkload(w)
			}
		}},
		{"resource", func(f string, v *yaml.Node) { d.str(f, v, &p.Resource) }},
		{"strict", func(f string, v *yaml.Node) { d.boolean(f, v, &p.Strict) }},
		{"duration", func(f string, v *yaml.Node) { d.duration(f, v, &p.Duration) }},
		{"recovery", func(f string, v *yaml.Node) { d.duration(f, v, &p.Recovery) }},
		{"seed", func(f string, v *yaml.Node) { d.integer64(f, v, &p.Seed) }},
		{"lease_ttl", func(f string, v *yaml.Node) { d.duration(f, v, &p.LeaseTTL) }},
		{"write_every", func(f string, v *yaml.Node) { d.duration(f, v, &p.WriteEvery) }},
		{"recipe", func(f string, v *yaml.Node) { d.str(f, v, &p.Recipe) }},
		{"lease", func(f string, v *yaml.Node) {
			l := &p.Lease
			d.mapping(v, f, []fieldDef{
				{"renew_every", func(f string, v *yaml.Node) { d.duration(f, v, &l.RenewEvery) }},
				{"renew_deadline", func(f string, v *yaml.Node) { d.duration(f, v, &l.RenewDeadline) }},
				{"retry_period", func(f string, v *yaml.Node) { d.duration(f, v, &l.RetryPeriod) }},
			})
		}},
		{"nemesis", func(f string, v *yaml.Node) {
			d.mapping(v, f, []fieldDef{
				{"interval", func(f string, v *yaml.Node) { d.duration(f, v, &p.Nemesis.Interval) }},
				{"faults", func(f string, v *yaml.Node) { d.faults(f, v) }},
			})
		}},
		{"etcd", func(f string, v *yaml.Node) {
			d.mapping(v, f, []fieldDef{
				{"heartbeat_interval", func(f string, v *yaml.Node) { d.duration(f, v, &p.Etcd.HeartbeatInterval) }},
				{"election_timeout", func(f string, v *yaml.Node) { d.duration(f, v, &p.Etcd.ElectionTimeout) }},
			})
		}},
		{"zookeeper", func(f string, v *yaml.Node) {
			d.mapping(v, f, []fieldDef{
				{"tick_time", func(f string, v *yaml.Node) { d.duration(f, v, &p.ZooKeeper.TickTime) }},
			})
		}},
		{"consul", func(f string, v *yaml.Node) {
			d.mapping(v, f, []fieldDef{
				{"lock_delay", func(f string, v *yaml.Node) { d.duration(f, v, &p.Consul.LockDelay) }},
				{"behavior", func(f string, v *yaml.Node) { d.str(f, v, &p.Consul.Behavior) }},
				{"raft_multiplier", func(f string, v *yaml.Node) { d.integer(f, v, &p.Consul.RaftMultiplier) }},
			})
		}},
		{"kubernetes", func(f string, v *yaml.Node) {
			d.mapping(v, f, []fieldDef{
				{"apiservers", func(f string, v *yaml.Node) { d.integer(f, v, &p.Kubernetes.APIServers) }},
			})
		}},
		{"register", func(f string, v *yaml.Node) {
			r := &p.Register
			d.mapping(v, f, []fieldDef{
				{"read_mode", func(f string, v *yaml.Node) { d.str(f, v, &r.ReadMode) }},
				{"keys", func(f string, v *yaml.Node) { d.integer(f, v, &r.Keys) }},
				{"clients_per_node", func(f string, v *yaml.Node) { d.integer(f, v, &r.ClientsPerNode) }},
				{"every", func(f string, v *yaml.Node) { d.duration(f, v, &r.Every) }},
			})
		}},
		{"checks", func(f string, v *yaml.Node) {
			c := &p.Checks
			d.mapping(v, f, []fieldDef{
				{"min_ops", func(f string, v *yaml.Node) { d.integer(f, v, &c.MinOps) }},
				{"allow_no_faults", func(f string, v *yaml.Node) { d.boolean(f, v, &c.AllowNoFaults) }},
				{"max_no_leader", func(f string, v *yaml.Node) { d.duration(f, v, &c.MaxNoLeader) }},
				{"max_failover", func(f string, v *yaml.Node) { d.duration(f, v, &c.MaxFailover) }},
				{"max_elections_per_minute", func(f string, v *yaml.Node) { d.float(f, v, &c.MaxElectionsPerMinute) }},
				{"max_false_failovers", func(f string, v *yaml.Node) { d.countLimit(f, v, &c.MaxFalseFailovers) }},
				{"linearizable_timeout", func(f string, v *yaml.Node) { d.duration(f, v, &c.LinearizableTimeout) }},
			})
		}},
	})
}

// faults decodes the fault list, which replaces the base plan's.
func (d *decoder) faults(field string, n *yaml.Node) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.fail(n, field, "want a list of faults, got %s", describe(n))
		return
	}
	d.plan.forget(field)
	faults := make([]nemesis.FaultSpec, len(n.Content))
	for i, item := range n.Content {
		f := &faults[i]
		name := fmt.Sprintf("%s[%d]", field, i)
		d.plan.setOrigin(name, origin{file: d.file, line: item.Line})
		d.mapping(item, name, []fieldDef{
			{"kind", func(fn string, v *yaml.Node) { d.str(fn, v, &f.Kind) }},
			{"shape", func(fn string, v *yaml.Node) { d.str(fn, v, &f.Shape) }},
			{"victim", func(fn string, v *yaml.Node) { d.str(fn, v, &f.Victim) }},
			{"duration", func(fn string, v *yaml.Node) { d.duration(fn, v, &f.Duration) }},
			{"delay", func(fn string, v *yaml.Node) { d.duration(fn, v, &f.Delay) }},
			{"jitter", func(fn string, v *yaml.Node) { d.duration(fn, v, &f.Jitter) }},
			{"loss", func(fn string, v *yaml.Node) { d.float(fn, v, &f.Loss) }},
			{"offset", func(fn string, v *yaml.Node) { d.duration(fn, v, &f.Offset) }},
			{"rate", func(fn string, v *yaml.Node) { d.float(fn, v, &f.Rate) }},
			{"clock", func(fn string, v *yaml.Node) { d.str(fn, v, &f.Clock) }},
			{"direction", func(fn string, v *yaml.Node) { d.str(fn, v, &f.Direction) }},
			{"period", func(fn string, v *yaml.Node) { d.duration(fn, v, &f.Period) }},
			{"bandwidth", func(fn string, v *yaml.Node) { d.bandwidth(fn, v, &f.Bandwidth) }},
		})
	}
	d.plan.Nemesis.Faults = faults
}

// mapping decodes a YAML mapping through its field definitions.
func (d *decoder) mapping(n *yaml.Node, field string, defs []fieldDef) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n, field, "want a mapping of fields, got %s", describe(n))
		return
	}
	seen := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, field, "a key must be a field name, got %s", describe(k))
			continue
		}
		name := k.Value
		if field != "" {
			name = field + "." + k.Value
		}
		if first, dup := seen[k.Value]; dup {
			d.fail(k, name, "set twice (first on line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		def, ok := findField(defs, k.Value)
		if !ok {
			d.fail(k, name, "unknown field%s (known: %s)", suggest(defs, k.Value), fieldNames(defs))
			continue
		}
		d.plan.setOrigin(name, origin{file: d.file, line: k.Line})
		def.set(name, v)
	}
}

func findField(defs []fieldDef, name string) (fieldDef, bool) {
	for _, f := range defs {
		if f.name == name {
			return f, true
		}
	}
	return fieldDef{}, false
}

func fieldNames(defs []fieldDef) string {
	names := make([]string, len(defs))
	for i, f := range defs {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// suggest names the known field an unknown one probably meant, ignoring
// case, '-' and '_' ("leaseTTL", "lease-ttl" → "lease_ttl").
func suggest(defs []fieldDef, name string) string {
	norm := func(s string) string {
		return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(s))
	}
	for _, f := range defs {
		if norm(f.name) == norm(name) {
			return fmt.Sprintf("; did you mean %q?", f.name)
		}
	}
	return ""
}

func (d *decoder) str(field string, n *yaml.Node, out *string) bool {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		d.fail(n, field, "want a string, got %s", describe(n))
		return false
	}
	*out = n.Value
	return true
}

func (d *decoder) integer(field string, n *yaml.Node, out *int) {
	var v int64
	if d.integer64(field, n, &v) {
		if int64(int(v)) != v {
			d.fail(n, field, "%d is out of range", v)
			return
		}
		*out = int(v)
	}
}

func (d *decoder) integer64(field string, n *yaml.Node, out *int64) bool {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		d.fail(n, field, "want an integer, got %s", describe(n))
		return false
	}
	var v int64
	if err := n.Decode(&v); err != nil {
		d.fail(n, field, "bad integer %q", n.Value)
		return false
	}
	*out = v
	return true
}

func (d *decoder) float(field string, n *yaml.Node, out *float64) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!float" && n.Tag != "!!int") {
		d.fail(n, field, "want a number, got %s", describe(n))
		return
	}
	var v float64
	if err := n.Decode(&v); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		d.fail(n, field, "want a finite number, got %q", n.Value)
		return
	}
	*out = v
}

func (d *decoder) boolean(field string, n *yaml.Node, out *bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.fail(n, field, "want true or false, got %s", describe(n))
		return
	}
	var v bool
	if err := n.Decode(&v); err != nil {
		d.fail(n, field, "want true or false, got %q", n.Value)
		return
	}
	*out = v
}

// duration decodes a Go duration ("8s", "1m30s"); a bare 0 is accepted.
func (d *decoder) duration(field string, n *yaml.Node, out *time.Duration) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" && n.Value == "0" {
		*out = 0
		return
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		d.fail(n, field, "want a duration with a unit, such as 8s or 1m30s, got %s", describe(n))
		return
	}
	v, err := parseDuration(n.Value)
	if err != nil {
		d.fail(n, field, "%v", err)
		return
	}
	*out = v
}

// bandwidth decodes a bandwidth with its unit ("1mbit", "125kB/s") as
// bytes per second.
func (d *decoder) bandwidth(field string, n *yaml.Node, out *uint64) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		d.fail(n, field, "want a bandwidth with a unit, such as 1mbit or 125kB/s, got %s", describe(n))
		return
	}
	v, err := netfault.ParseRate(n.Value)
	if err != nil {
		d.fail(n, field, "%v", err)
		return
	}
	*out = v
}

// parseDuration parses a Go duration, with an error that says what is
// expected.
func parseDuration(s string) (time.Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: want a Go duration such as 8s, 500ms or 1m30s", s)
	}
	return v, nil
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// describe names a node's kind and value for an error message.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "no value"
		case "!!str":
			return fmt.Sprintf("string %q", n.Value)
		case "!!int":
			return "integer " + n.Value
		case "!!float":
			return "number " + n.Value
		case "!!bool":
			return n.Value
		}
		return fmt.Sprintf("%s %q", n.Tag, n.Value)
	}
	return "an unexpected YAML node"
}
