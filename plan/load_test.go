package plan

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/targets/lease"
)

// wantErr is one expected plan error: its line, field and a piece of its
// message.
type wantErr struct {
	line  int
	field string
	msg   string
}

// writePlanFile writes text to plan.yaml in a fresh directory.
func writePlanFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkPlanErrs asserts that err holds exactly the wanted errors, in order,
// each printed as FILE:LINE: field "F": ...
func checkPlanErrs(t *testing.T, path string, err error, want []wantErr) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %d", len(want))
	}
	got := AllErrors(err)
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for i, w := range want {
		g := got[i]
		if g.File != path || g.Line != w.line || g.Field != w.field {
			t.Errorf("error %d: got %s:%d field %q, want line %d field %q (%v)", i, g.File, g.Line, g.Field, w.line, w.field, g)
		}
		prefix := path + ":" + strconv.Itoa(w.line) + ": "
		if w.field != "" {
			prefix += `field "` + w.field + `": `
		}
		if !strings.HasPrefix(g.Error(), prefix) {
			t.Errorf("error %d: %q does not start with %q", i, g.Error(), prefix)
		}
		if !strings.Contains(g.Msg, w.msg) {
			t.Errorf("error %d: message %q does not contain %q", i, g.Msg, w.msg)
		}
	}
}

func TestLoadPlanErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []wantErr
	}{
		{"unknown field", "name: x\nnodse: 3\n",
			[]wantErr{{2, "nodse", "unknown field (known: name, target, nodes"}}},
		{"unknown field suggestion", "lease-ttl: 3s\n",
			[]wantErr{{1, "lease-ttl", `did you mean "lease_ttl"?`}}},
		{"unknown nested field", "nemesis:\n  intervall: 5s\n",
			[]wantErr{{2, "nemesis.intervall", "unknown field (known: interval, faults)"}}},
		{"unknown fault field", "nemesis:\n  faults:\n    - {kind: pause, victim: leader, duration: 8s}\n    - {kind: pause, victm: leader, duration: 8s}\n",
			[]wantErr{{4, "nemesis.faults[1].victm", "unknown field"}}},
		{"unknown checks field", "checks:\n  min_opz: 3\n",
			[]wantErr{{2, "checks.min_opz", "unknown field"}}},
		{"duplicate field", "nodes: 3\nnodes: 5\n",
			[]wantErr{{2, "nodes", "set twice (first on line 1)"}}},
		{"string for integer", "nodes: three\n",
			[]wantErr{{1, "nodes", `want an integer, got string "three"`}}},
		{"float for integer", "checks:\n  min_ops: 1.5\n",
			[]wantErr{{2, "checks.min_ops", "want an integer, got number 1.5"}}},
		{"yes is not a bool", "strict: yes\n",
			[]wantErr{{1, "strict", `want true or false, got string "yes"`}}},
		{"list for string", "name: [a, b]\n",
			[]wantErr{{1, "name", "want a string, got a list"}}},
		{"integer for string", "target: 3\n",
			[]wantErr{{1, "target", "want a string, got integer 3"}}},
		{"null value", "target:\n",
			[]wantErr{{1, "target", "want a string, got no value"}}},
		{"scalar for mapping", "nemesis: 5s\n",
			[]wantErr{{1, "nemesis", `want a mapping of fields, got string "5s"`}}},
		{"mapping for list", "nemesis:\n  faults: {kind: pause}\n",
			[]wantErr{{2, "nemesis.faults", "want a list of faults, got a mapping"}}},
		{"scalar fault", "nemesis:\n  faults:\n    - pause\n",
			[]wantErr{{3, "nemesis.faults[0]", `want a mapping of fields, got string "pause"`}}},
		{"number for rate", "checks:\n  max_elections_per_minute: many\n",
			[]wantErr{{2, "checks.max_elections_per_minute", "want a number"}}},
		{"nan rate", "checks:\n  max_elections_per_minute: .nan\n",
			[]wantErr{{2, "checks.max_elections_per_minute", "finite"}}},
		{"bad duration", "duration: 5 seconds\n",
			[]wantErr{{1, "duration", `bad duration "5 seconds": want a Go duration`}}},
		{"duration without unit", "recovery: 10\n",
			[]wantErr{{1, "recovery", "want a duration with a unit"}}},
		{"bad fault duration", "nemesis:\n  faults:\n    - {kind: pause, victim: leader, duration: 8s}\n    - kind: partition\n      shape: halves\n      duration: 8 secs\n",
			[]wantErr{{6, "nemesis.faults[1].duration", `bad duration "8 secs"`}}},
		{"negative duration", "name: x\nrecovery: -1s\n",
			[]wantErr{{2, "recovery", "must not be negative, got -1s"}}},
		{"zero duration", "duration: 0s\n",
			[]wantErr{{1, "duration", "must be positive"}}},
		{"negative interval", "nemesis:\n  interval: -5s\n",
			[]wantErr{{2, "nemesis.interval", "must not be negative"}}},
		{"negative check limit", "checks:\n  max_failover: -1m\n",
			[]wantErr{{2, "checks.max_failover", "must not be negative"}}},
		{"negative rate", "checks:\n  max_elections_per_minute: -2\n",
			[]wantErr{{2, "checks.max_elections_per_minute", "must not be negative"}}},
		{"negative min_ops", "checks:\n  min_ops: -1\n",
			[]wantErr{{2, "checks.min_ops", "must not be negative"}}},
		{"lease too short", "lease_ttl: 500ms\n",
			[]wantErr{{1, "lease_ttl", "at least 1s"}}},
		{"etcd lease not whole seconds", "lease_ttl: 1500ms\n",
			[]wantErr{{1, "lease_ttl", "whole seconds"}}},
		{"write_every zero", "write_every: 0\n",
			[]wantErr{{1, "write_every", "at least 1ms"}}},
		{"unknown target", "name: x\ntarget: etcdd\n",
			[]wantErr{{2, "target", `unknown target "etcdd" (known: etcd, zookeeper, consul, kubernetes)`}}},
		{"unknown workload", "workload: registers\n",
			[]wantErr{{1, "workload", `unknown workload "registers" (known: election, register, election+register)`}}},
		{"unknown read mode", "target: zookeeper\nworkload: register\nregister:\n  read_mode: linearizable\n",
			[]wantErr{{4, "register.read_mode", `unknown register.read_mode "linearizable" (known: plain, sync)`}}},
		{"no register keys", "workload: election+register\nregister:\n  keys: 0\n",
			[]wantErr{{3, "register.keys", "must be between 1 and 1000, got 0"}}},
		{"client-pause without election", "workload: register\nnemesis:\n  faults:\n    - {kind: client-pause, victim: leader, duration: 6s}\n",
			[]wantErr{{4, "nemesis.faults[0].kind", "needs the election workload"}}},
		{"register field misspelt", "register:\n  readMode: stale\n",
			[]wantErr{{2, "register.readMode", `did you mean "read_mode"?`}}},
		{"unknown resource", "resource: fence\n",
			[]wantErr{{1, "resource", `unknown resource "fence" (known: none, token, backend)`}}},
		{"no time for a fault", "nemesis:\n  interval: 5s\nduration: 5s\n",
			[]wantErr{{3, "duration", "leaves no time for a fault"}}},
		{"unknown recipe", "recipe: raft\n",
			[]wantErr{{1, "recipe", `unknown recipe "raft" (known: native, lease-timestamp, lease-observed)`}}},
		{"lease timings of the native recipe", "lease:\n  renew_every: 1s\n",
			[]wantErr{{1, "lease", "apply to recipe lease-timestamp or lease-observed"}}},
		{"lease recipe without the election", "recipe: lease-timestamp\nworkload: register\n",
			[]wantErr{{1, "recipe", "needs workload election or election+register"}}},
		{"client-go's deadline past the lease", "recipe: lease-observed\nlease_ttl: 3s\nlease:\n  renew_deadline: 3s\n",
			[]wantErr{{4, "lease.renew_deadline", "client-go needs lease_ttl (3s) > renew_deadline, got 3s"}}},
		{"client-go's retry past the deadline", "recipe: lease-observed\nlease_ttl: 3s\nlease:\n  retry_period: 2s\n",
			[]wantErr{{4, "lease.retry_period", "client-go needs renew_deadline (2s) > 1.2 × retry_period, got 2s"}}},
		{"renewing once a lease", "recipe: lease-timestamp\nlease_ttl: 2s\nlease:\n  renew_every: 2s\n",
			[]wantErr{{4, "lease.renew_every", "must be shorter than lease_ttl (2s), got 2s"}}},
		{"a clock fault on the native recipe", "nemesis:\n  faults:\n    - {kind: clock-skew, victim: leader, offset: -4s, duration: 5s}\n",
			[]wantErr{{3, "nemesis.faults[0].kind", "clock-skew sets a candidate's own clock, which the native recipe never reads"}}},
		{"a clock-skew without an offset", "recipe: lease-timestamp\nnemesis:\n  faults:\n    - {kind: clock-skew, victim: leader, duration: 5s}\n",
			[]wantErr{{4, "nemesis.faults[0].offset", "a clock-skew needs an offset"}}},
		{"a drift at true rate", "recipe: lease-timestamp\nnemesis:\n  faults:\n    - {kind: clock-drift, victim: n1, rate: 1, duration: 5s}\n",
			[]wantErr{{4, "nemesis.faults[0].rate", "a positive rate other than 1"}}},
		{"a node's clock on a compose cluster", "nemesis:\n  faults:\n    - kind: clock-skew\n      victim: leader\n      offset: -4s\n      clock: node\n      duration: 5s\n",
			[]wantErr{{6, "nemesis.faults[0].clock", "a server node's clock cannot be set on a compose cluster: the containers share the host's kernel clock; " +
				"skew a candidate's clock (clock: candidate, recipe lease-timestamp), or on cluster: external grant it with external.commands.clock-skew"}}},
		{"a node's clock drifting", "cluster: external\nnemesis:\n  faults:\n    - {kind: clock-drift, victim: n1, rate: 0.5, clock: node, duration: 5s}\n" + nodeClockExternal,
			[]wantErr{{4, "nemesis.faults[0].clock", "a node's rate cannot be set by a granted command; use clock-skew"}}},
		{"a node's clock not granted, Docker host or not", "cluster: external\nnemesis:\n  faults:\n    - {kind: clock-skew, victim: leader, offset: 3s, clock: node, duration: 5s}\n" +
			"external:\n  docker: true\n  nodes: [{endpoint: \"a:1\", container: a}, {endpoint: \"b:1\", container: b}, {endpoint: \"c:1\", container: c}]\n",
			[]wantErr{{4, "nemesis.faults[0].clock", "a server node's clock is not granted on this external cluster: set external.commands.clock-skew"}}},
		{"an unknown clock", "recipe: lease-timestamp\nnemesis:\n  faults:\n    - {kind: clock-skew, victim: leader, offset: -4s, clock: server, duration: 5s}\n",
			[]wantErr{{4, "nemesis.faults[0].clock", `unknown clock "server": candidate (the default`}}},
		{"a clock on a pause", "nemesis:\n  faults:\n    - {kind: pause, victim: leader, clock: node, duration: 5s}\n",
			[]wantErr{{3, "nemesis.faults[0].clock", "only the clock faults (clock-skew, clock-drift) say whose clock they set, not pause"}}},
		{"a candidate's clock on the native recipe of an external cluster", "cluster: external\nnemesis:\n  faults:\n    - {kind: clock-skew, victim: leader, offset: -4s, clock: candidate, duration: 5s}\n" + nodeClockExternal,
			[]wantErr{{4, "nemesis.faults[0].kind", "the native recipe never reads (the backend keeps its sessions' time); it reaches recipe lease-timestamp, and lease-observed shows client-go immune to it. To skew the server node's own clock, write clock: node"}}},
		{"an offset in a pause's command", "cluster: external\nnemesis:\n  faults:\n    - {kind: client-pause, victim: leader, duration: 5s}\n" + nodeClockExternal +
			"    pause: {start: \"echo {offset}\", heal: \"true\"}\n",
			[]wantErr{{11, "external.commands.pause.start", "placeholder {offset} is a clock-skew's only"}}},
		{"a fault that never fits", "duration: 20s\nnemesis:\n  interval: 2s\n  faults:\n    - {kind: pause, victim: leader, duration: 6s}\n    - {kind: kill, victim: leader, duration: 17s}\n",
			[]wantErr{{6, "nemesis.faults[1].duration", "17s never fits the 20s fault window: it starts after nemesis.interval (2s) and needs 19s with its start and heal"}}},
		{"partition on two nodes", "nodes: 2\nnemesis:\n  faults:\n    - {kind: pause, victim: leader, duration: 8s}\n    - {kind: partition, shape: halves, duration: 8s}\n",
			[]wantErr{{5, "nemesis.faults[1].kind", "at least 3 nodes"}}},
		{"victim beyond the cluster", "nemesis:\n  faults:\n    - {kind: kill, victim: n4, duration: 8s}\n",
			[]wantErr{{3, "nemesis.faults[0].victim", `unknown victim "n4"`}}},
		{"partition without shape", "nemesis:\n  faults:\n    - {kind: partition, duration: 8s}\n",
			[]wantErr{{3, "nemesis.faults[0].shape", "needs a shape"}}},
		{"zero nodes", "nodes: 0\n",
			[]wantErr{{1, "nodes", "must be between 1 and 15, got 0"}}},
		{"negative nodes", "\n\nnodes: -1\n",
			[]wantErr{{3, "nodes", "got -1"}}},
		{"too many nodes", "nodes: 16\n",
			[]wantErr{{1, "nodes", "got 16"}}},
		{"bad name", "name: ../up\n",
			[]wantErr{{1, "name", "not a valid directory name"}}},
		{"reserved name", "name: latest\n",
			[]wantErr{{1, "name", "reserved"}}},
		{"no faults", "nemesis:\n  faults: []\n",
			[]wantErr{{2, "nemesis.faults", "no faults"}}},
		{"bad fault kind", "nemesis:\n  faults:\n    - {kind: pause, victim: leader, duration: 8s}\n    - {kind: explode, duration: 8s}\n",
			[]wantErr{{4, "nemesis.faults[1].kind", "explode"}}},
		{"bad partition shape", "nemesis:\n  faults:\n    - kind: partition\n      shape: triangle\n      duration: 8s\n",
			[]wantErr{{4, "nemesis.faults[0].shape", "triangle"}}},
		{"bad victim", "nemesis:\n  faults:\n    - {kind: pause, victim: nobody, duration: 8s}\n",
			[]wantErr{{3, "nemesis.faults[0].victim", "nobody"}}},
		{"negative fault duration", "nemesis:\n  faults:\n    - kind: pause\n      victim: leader\n      duration: -8s\n",
			[]wantErr{{5, "nemesis.faults[0].duration", ""}}},
		{"yaml syntax", "name: x\nnodes: [3\n",
			[]wantErr{{2, "", "bad YAML: did not find expected ',' or ']'"}}},
		{"yaml syntax at end", "nodes: [3\n\n\n",
			[]wantErr{{3, "", "bad YAML"}}},
		{"yaml syntax unclosed mapping", "a: 1\nb: {c\n",
			[]wantErr{{2, "", "bad YAML"}}},
		{"yaml syntax indentation", "name: x\n nodes: 2\n",
			[]wantErr{{2, "", "bad YAML: mapping values are not allowed"}}},
		{"yaml tab", "name: x\n\tnodes: 2\n",
			[]wantErr{{2, "", "bad YAML: found a tab"}}},
		{"yaml list after mapping", "name: x\n- b\n",
			[]wantErr{{2, "", "bad YAML: did not find expected key"}}},
		{"yaml syntax on line 1 without newline", "{nodes: 3",
			[]wantErr{{1, "", "bad YAML: did not find expected"}}},
		{"yaml unknown alias", "name: x\nnodes: *three\n",
			[]wantErr{{2, "", "bad YAML: no anchor &three"}}},
		{"two documents", "name: x\n---\nname: y\n",
			[]wantErr{{2, "", "more than one YAML document"}}},
		{"list at top", "- name: x\n",
			[]wantErr{{1, "", "want a mapping of fields, got a list"}}},
		{"all errors together", "nodes: many\nresource: fence\nduration: soon\nnemesis:\n  faults:\n    - {kind: pause, victim: leader, duration: 1 s}\n",
			[]wantErr{
				{1, "nodes", "want an integer"},
				{2, "resource", "unknown resource"}, // checked though others failed to decode
				{3, "duration", "bad duration"},
				// and no second error for the fault's duration, left at 0
				{6, "nemesis.faults[0].duration", "bad duration"},
			}},
		{"semantic errors together", "target: zk\nnodes: 0\nresource: fence\n",
			[]wantErr{
				{1, "target", "unknown target"},
				{2, "nodes", "must be between"},
				{3, "resource", "unknown resource"},
			}},
	}
	for _, tc := range tests {
		if strings.Contains(tc.yaml, "lease-observed") && !lease.ObservedAvailable {
			continue // a binary without client-go refuses the recipe first: TestObservedNeedsClientGo
		}
		t.Run(tc.name, func(t *testing.T) {
			path := writePlanFile(t, tc.yaml)
			base := Default()
			p, err := Load(path, base)
			checkPlanErrs(t, path, err, tc.want)
			if !samePlan(p, base) {
				t.Errorf("on error LoadPlan returned %+v, want the base plan", p)
			}
			if !IsError(err) {
				t.Errorf("%v: not a plan error (exit 254)", err)
			}
		})
	}
}

// nodeClockExternal is an external section (lines 5 to 10 of a plan
// whose first four lines are its cluster and fault) that grants a
// server node's clock by commands.
const nodeClockExternal = `external:
  nodes: [{endpoint: "a:1"}, {endpoint: "b:1"}, {endpoint: "c:1"}]
  commands:
    clock-skew:
      start: ssh {host} sudo date -s "@$(( $(date +%s) + {offset_seconds} ))"
      heal: ssh {host} sudo chronyc makestep # {node} was {offset} off
`

// A server node's clock granted by external.commands.clock-skew loads with
// every recipe, the native one included, and without the election
// workload; the written plan keeps clock: node and the commands.
func TestLoadNodeClockGranted(t *testing.T) {
	for _, head := range []string{
		"workload: register\n", // native recipe, no candidates at all
		"recipe: lease-timestamp\n",
		"recipe: lease-observed\nlease_ttl: 3s\n",
	} {
		if strings.Contains(head, "lease-observed") && !lease.ObservedAvailable {
			continue
		}
		text := head + "cluster: external\nnemesis:\n  faults:\n    - {kind: clock-skew, victim: majority, offset: -2500ms, clock: node, duration: 5s}\n" + nodeClockExternal
		path := writePlanFile(t, text)
		p, err := Load(path, Default())
		if err != nil {
			t.Fatalf("%s: %v", head, err)
		}
		f := p.Nemesis.Faults[0]
		if !f.NodeClock() || f.Clock != nemesis.ClockNode || f.Offset != -2500*time.Millisecond || f.Victim != "majority" {
			t.Fatalf("%s: fault %+v", head, f)
		}
		if c := p.External.Commands["clock-skew"]; !strings.Contains(c.Start, "{offset_seconds}") || !strings.Contains(c.Heal, "chronyc makestep") {
			t.Fatalf("%s: commands %+v", head, p.External.Commands)
		}
		out, err := p.YAML()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse("again.yaml", out, Default())
		if err != nil {
			t.Fatalf("%s: the written plan does not load: %v\n%s", head, err, out)
		}
		if again.Nemesis.Faults[0] != f || again.External.Commands["clock-skew"] != p.External.Commands["clock-skew"] {
			t.Errorf("%s: round trip %+v, want %+v", head, again.Nemesis.Faults[0], f)
		}
	}
}

func TestLoadPlanMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(path, Default())
	var pe *Error
	if !errors.As(err, &pe) || pe.File != path || pe.Line != 0 {
		t.Fatalf("got %v, want a PlanError for %s", err, path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%v does not wrap fs.ErrNotExist", err)
	}
	if !strings.HasPrefix(err.Error(), path+": read plan: ") {
		t.Errorf("message %q", err)
	}
}

func TestLoadPlanOverridesBase(t *testing.T) {
	path := writePlanFile(t, "# only some fields\nnodes: 5\nresource: backend\nnemesis:\n  interval: 2s\nchecks:\n  max_failover: 12s\n")
	p, err := Load(path, Default())
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Nodes = 5
	want.Resource = "backend"
	want.Nemesis.Interval = 2 * time.Second
	want.Checks.MaxFailover = 12 * time.Second
	if !samePlan(p, want) {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}
}

func TestLoadPlanFaultListReplacesBase(t *testing.T) {
	path := writePlanFile(t, "nemesis:\n  faults:\n    - kind: kill\n      victim: random\n      duration: 4s\n")
	p, err := Load(path, Default())
	if err != nil {
		t.Fatal(err)
	}
	want := []nemesis.FaultSpec{{Kind: "kill", Victim: "random", Duration: 4 * time.Second}}
	if len(p.Nemesis.Faults) != 1 || p.Nemesis.Faults[0] != want[0] {
		t.Errorf("faults = %+v, want %+v", p.Nemesis.Faults, want)
	}
	if p.Nemesis.Interval != Default().Nemesis.Interval {
		t.Errorf("interval = %s, want the base's", p.Nemesis.Interval)
	}
	if len(Default().Nemesis.Faults) != 3 {
		t.Error("loading changed the base plan's faults")
	}
}

func TestLoadPlanEmptyFileIsBase(t *testing.T) {
	for _, text := range []string{"", "# nothing\n", "~\n", "---\n"} {
		path := writePlanFile(t, text)
		p, err := Load(path, Default())
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if !samePlan(p, Default()) {
			t.Errorf("%q: got %+v, want the default plan", text, p)
		}
	}
}

func TestLoadPlanAcceptsYAMLForms(t *testing.T) {
	// Anchors and aliases, quoted strings, a bare 0 duration, block and
	// flow styles all decode to the same plan.
	path := writePlanFile(t, `name: "etcd-default"
target: 'etcd'
nodes: 0x3
duration: 1m0s
recovery: 10s
checks:
  max_no_leader: 0
  max_elections_per_minute: 0.0
nemesis:
  interval: &gap 5s
  faults:
    - kind: partition
      shape: isolate-leader
      duration: &long 8s
    - {kind: partition, shape: halves, duration: *long}
    - {kind: pause, victim: leader, duration: *long}
write_every: 50ms
`)
	p, err := Load(path, Default())
	if err != nil {
		t.Fatal(err)
	}
	if !samePlan(p, Default()) {
		t.Errorf("got  %+v\nwant %+v", p, Default())
	}
}

// samePlan compares plans field by field, ignoring where values came from
// and nil versus empty fault lists.
func samePlan(a, b Plan) bool {
	fa, fb := a.Nemesis.Faults, b.Nemesis.Faults
	if len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		if fa[i] != fb[i] {
			return false
		}
	}
	a.Nemesis.Faults, b.Nemesis.Faults = nil, nil
	a.src, b.src = nil, nil
	return a.Name == b.Name && a.Target == b.Target && a.Nodes == b.Nodes && a.Workload == b.Workload &&
		a.Resource == b.Resource && a.Strict == b.Strict && a.Duration == b.Duration &&
		a.Recovery == b.Recovery && a.Seed == b.Seed && a.LeaseTTL == b.LeaseTTL &&
		a.WriteEvery == b.WriteEvery && a.Nemesis.Interval == b.Nemesis.Interval && a.Checks == b.Checks &&
		a.Etcd == b.Etcd && a.ZooKeeper == b.ZooKeeper &&
		(a.Target != "consul" || a.Consul == b.Consul) && // only Consul reads its settings
		(!a.RegisterWorkload() || a.Register == b.Register) // only the register workload reads its own
}
