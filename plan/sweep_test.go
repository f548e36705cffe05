package plan

import (
	"strings"
	"testing"
	"time"
)

const sweepFile = `name: lease-ttl
base: {target: etcd, duration: 40s, resource: none}
setting:
  lease_ttl: [2s, 3s, 6s]
faults:
  none: {nemesis: {faults: []}}
  pause-2x: {nemesis: {interval: 5s, faults: [{kind: client-pause, victim: leader, duration: 2x}]}}
  pause-1.5x: {recovery: 1.5x, nemesis: {interval: 5s, faults: [{kind: client-pause, victim: leader, duration: 1.5x}]}}
count: 3
seed: 7
`

func TestSweepExpands(t *testing.T) {
	s, err := ParseSweep("s.yaml", []byte(sweepFile))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "lease-ttl" || s.Setting != "lease_ttl" || s.Kind != SettingDuration || s.FileCount != 3 || s.FileSeed != 7 || !s.KeepGoing || s.Digest == "" {
		t.Fatalf("sweep %q setting %q kind %q count %d seed %d keep going %v digest %q", s.Name, s.Setting, s.Kind, s.FileCount, s.FileSeed, s.KeepGoing, s.Digest)
	}
	var xs []float64
	for _, v := range s.Values {
		xs = append(xs, v.X)
	}
	if len(xs) != 3 || xs[0] != 2 || xs[1] != 3 || xs[2] != 6 || s.Values[2].Duration != 6*time.Second || s.Values[1].Line != 4 {
		t.Fatalf("values %+v", s.Values)
	}
	if len(s.Faults) != 3 || !s.Faults[0].Control || s.Faults[1].Control || s.Faults[2].Label != "pause-1.5x" || s.Faults[2].Line != 8 {
		t.Fatalf("faults %+v", s.Faults)
	}
	var names []string
	for _, e := range s.Entries {
		names = append(names, e.Plan.Name)
	}
	want := "lease_ttl-2s-none lease_ttl-2s-pause-2x lease_ttl-2s-pause-1.5x lease_ttl-3s-none lease_ttl-3s-pause-2x lease_ttl-3s-pause-1.5x lease_ttl-6s-none lease_ttl-6s-pause-2x lease_ttl-6s-pause-1.5x"
	if strings.Join(names, " ") != want {
		t.Fatalf("runs %s\nwant %s", strings.Join(names, " "), want)
	}
	for i, e := range s.Entries {
		c := s.Cells[i]
		if c.Name != e.Plan.Name || c.Name != e.Cell || e.Repeat != 1 || c.Value != i/3 || c.Fault != i%3 {
			t.Errorf("entry %d: cell %+v, entry cell %q repeat %d", i, c, e.Cell, e.Repeat)
		}
		p := e.Plan
		ttl := s.Values[c.Value].Duration
		if p.LeaseTTL != ttl || p.Target != "etcd" || p.Resource != "none" || p.Duration != 40*time.Second {
			t.Errorf("%s: ttl %s target %s resource %s duration %s", p.Name, p.LeaseTTL, p.Target, p.Resource, p.Duration)
		}
		switch c.Fault {
		case 0:
			if len(p.Nemesis.Faults) != 0 || !p.Checks.AllowNoFaults {
				t.Errorf("%s: the control line has faults %v, allow_no_faults %v", p.Name, p.Nemesis.Faults, p.Checks.AllowNoFaults)
			}
		case 1:
			if len(p.Nemesis.Faults) != 1 || p.Nemesis.Faults[0].Duration != 2*ttl || p.Checks.AllowNoFaults {
				t.Errorf("%s: faults %+v (want one pause of 2 × %s)", p.Name, p.Nemesis.Faults, ttl)
			}
		case 2:
			if p.Nemesis.Faults[0].Duration != ttl*3/2 || p.Recovery != ttl*3/2 {
				t.Errorf("%s: pause %s recovery %s, want 1.5 × %s", p.Name, p.Nemesis.Faults[0].Duration, p.Recovery, ttl)
			}
		}
	}
	if e := s.Entries[4]; e.From != "s.yaml:4" {
		t.Errorf("from %q", e.From)
	}
	if c, ok := s.Cell("lease_ttl-3s-pause-2x"); !ok || c.Value != 1 || c.Fault != 1 {
		t.Errorf("Cell: %+v %v", c, ok)
	}
}

func TestSweepRepeatedAndSharded(t *testing.T) {
	s, err := ParseSweep("s.yaml", []byte(sweepFile))
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Expand(0, 0, Shard{}) // the file's count and seed
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Entries) != 27 || r.Count != 3 || r.Seed != 7 {
		t.Fatalf("%d runs, count %d, seed %d", len(r.Entries), r.Count, r.Seed)
	}
	for _, e := range r.Entries {
		if e.Plan.Seed != RunSeed(7, e.Plan.Name) || e.Plan.Name != e.Cell+"-r"+string(rune('0'+e.Repeat)) {
			t.Errorf("%s: seed %d cell %q repeat %d", e.Plan.Name, e.Plan.Seed, e.Cell, e.Repeat)
		}
	}
	if r2, err := s.Expand(2, 9, Shard{}); err != nil || len(r2.Entries) != 18 || r2.Entries[0].Plan.Seed != RunSeed(9, "lease_ttl-2s-none-r1") {
		t.Errorf("the flags' count and seed: %d runs, %v", len(r2.Entries), err)
	}
	seen := map[string]int64{}
	for i := 1; i <= 2; i++ {
		if _, err := s.Expand(0, 0, Shard{I: i, N: 2}); err != nil {
			t.Fatal(err)
		}
		sh := r.Matrix.Sharded(Shard{I: i, N: 2})
		if sh.Total != 27 || sh.Shard.String() != []string{"", "1/2", "2/2"}[i] {
			t.Errorf("shard %d: total %d shard %q", i, sh.Total, sh.Shard)
		}
		for _, e := range sh.Entries {
			seen[e.Plan.Name] = e.Plan.Seed
		}
	}
	for _, e := range r.Entries {
		if seed, ok := seen[e.Plan.Name]; !ok || seed != e.Plan.Seed {
			t.Errorf("%s: in the shards with seed %d (%v), unsharded %d", e.Plan.Name, seed, ok, e.Plan.Seed)
		}
	}
	if len(seen) != 27 {
		t.Errorf("the shards hold %d runs, want 27", len(seen))
	}

	noSeed, _ := ParseSweep("s.yaml", []byte(strings.Replace(sweepFile, "seed: 7\n", "", 1)))
	if _, err := noSeed.Expand(0, 0, Shard{}); err == nil || err.Error() != `s.yaml:9: field "count": 3 repeats need a seed to derive theirs from: add seed: to the file, or pass --seed` {
		t.Errorf("count without a seed: %v", err)
	}
	if _, err := noSeed.Expand(2, 0, Shard{}); err == nil || !IsError(err) || !strings.Contains(err.Error(), `flag --count: 2 repeats need --seed`) {
		t.Errorf("--count without a seed: %v", err)
	}
	if _, err := noSeed.Expand(1, 0, Shard{I: 1, N: 2}); err == nil || !IsError(err) || !strings.Contains(err.Error(), `flag --shard: 1/2 needs --seed`) {
		t.Errorf("a shard without a seed: %v", err)
	}
}

func TestSweepSettingKinds(t *testing.T) {
	for _, tt := range []struct {
		setting, kind string
		xs            []float64
	}{
		{"consul.lock_delay: [0s, 500ms, 2s]", SettingDuration, []float64{0, 0.5, 2}},
		{"nodes: [3, 5]", SettingNumber, []float64{3, 5}},
		{"resource: [none, token]", SettingText, []float64{1, 2}},
	} {
		text := "name: k\nbase: {target: consul}\nsetting: {" + tt.setting + "}\nfaults:\n  p: {nemesis: {faults: [{kind: pause, victim: leader, duration: 5s}]}}\n"
		s, err := ParseSweep("k.yaml", []byte(text))
		if err != nil {
			t.Errorf("%s: %v", tt.setting, err)
			continue
		}
		if s.Kind != tt.kind || len(s.Values) != len(tt.xs) {
			t.Errorf("%s: kind %q, %d values", tt.setting, s.Kind, len(s.Values))
			continue
		}
		for i, x := range tt.xs {
			if s.Values[i].X != x {
				t.Errorf("%s: value %d at x %g, want %g", tt.setting, i, s.Values[i].X, x)
			}
		}
	}
}

// Every mistake in a sweep file names the file, the line and the field.
func TestSweepErrors(t *testing.T) {
	fault := "faults:\n  p: {nemesis: {faults: [{kind: pause, victim: leader, duration: 5s}]}}\n"
	for _, tt := range []struct {
		name, text, want string
	}{
		{"no name", "setting: {lease_ttl: [1s]}\n" + fault,
			`e.yaml:1: field "name": a sweep needs a name`},
		{"unknown field", "name: e\naxes: {}\nsetting: {lease_ttl: [1s]}\n" + fault,
			`e.yaml:2: field "axes": unknown field (known: name, base, setting, faults, count, seed)`},
		{"no setting", "name: e\n" + fault,
			`e.yaml:1: field "setting": a sweep needs a setting`},
		{"two settings", "name: e\nsetting:\n  lease_ttl: [1s]\n  write_every: [1s]\n" + fault,
			`e.yaml:3: field "setting": want exactly one plan field and its values (lease_ttl: [1s, 2s, 4s]), got 2 fields (lease_ttl, write_every)`},
		{"setting a mapping", "name: e\nsetting:\n  lease_ttl: {a: {}}\n" + fault,
			`e.yaml:3: field "setting.lease_ttl": want a list of the field's values (the x axis), got a mapping`},
		{"empty setting", "name: e\nsetting:\n  lease_ttl: []\n" + fault,
			`e.yaml:3: field "setting.lease_ttl": an axis needs at least one value`},
		{"not increasing", "name: e\nsetting:\n  lease_ttl:\n    - 3s\n    - 2s\n" + fault,
			`e.yaml:5: field "setting.lease_ttl": the values are the plots' x axis: list them in increasing order (2s after 3s)`},
		{"unknown setting", "name: e\nsetting:\n  leaseTTL: [1s]\n" + fault,
			`e.yaml:3: field "leaseTTL": unknown field; did you mean "lease_ttl"?`},
		{"bad value", "name: e\nsetting:\n  lease_ttl: [3s, 2]\n" + fault,
			`e.yaml:3: field "lease_ttl": want a duration with a unit, such as 8s or 1m30s, got integer 2`},
		{"no faults", "name: e\nsetting: {lease_ttl: [1s]}\n",
			`e.yaml:1: field "faults": a sweep needs fault lines`},
		{"faults a list", "name: e\nsetting: {lease_ttl: [1s]}\nfaults: [a]\n",
			`e.yaml:3: field "faults": want a mapping of labels to plan fields (one line each), got a list`},
		{"fault line a scalar", "name: e\nsetting: {lease_ttl: [1s]}\nfaults:\n  p: pause\n",
			`e.yaml:4: field "faults.p": want plan fields (a mapping), got string "pause"`},
		{"fault line sets the setting", "name: e\nsetting: {lease_ttl: [1s]}\nfaults:\n  p: {lease_ttl: 3s}\n",
			`e.yaml:4: field "faults.p.lease_ttl": a fault line must not set the swept setting lease_ttl`},
		{"multiple of a number", "name: e\nsetting: {nodes: [3, 5]}\nfaults:\n  p:\n    nemesis: {faults: [{kind: pause, victim: leader, duration: 2x}]}\n",
			`e.yaml:5: field "faults.p.nemesis.faults[0].duration": 2x is a multiple of the swept setting, which must then be a duration; nodes's values are not (number)`},
		{"multiple of a non-duration field", "name: e\nsetting: {lease_ttl: [1s]}\nfaults:\n  p:\n    nemesis: {faults: [{kind: client-loss, victim: leader, duration: 5s, loss: 2x}]}\n",
			`e.yaml:5: field "nemesis.faults[0].loss": want a number, got string "2s" (written 2x: a multiple of the swept setting)`},
		{"a cell that does not validate", "name: e\nbase: {duration: 10s}\nsetting: {lease_ttl: [1s, 8s]}\nfaults:\n  p:\n    nemesis: {interval: 2s, faults: [{kind: client-pause, victim: leader, duration: 2x}]}\n",
			`e.yaml:6: field "nemesis.faults[0].duration": 16s never fits the 10s fault window`},
		{"count out of range", "name: e\nsetting: {lease_ttl: [1s]}\n" + fault + "count: 0\n",
			`e.yaml:5: field "count": must be between 1 and 100, got 0`},
		{"count not a number", "name: e\nsetting: {lease_ttl: [1s]}\n" + fault + "count: many\n",
			`e.yaml:5: field "count": want an integer, got string "many"`},
		{"two cells of one name", "name: e\nsetting: {register.read_mode: [x, x-y]}\nfaults:\n  y-z: {nemesis: {faults: [{kind: pause, victim: leader, duration: 5s}]}}\n  z: {nemesis: {faults: [{kind: pause, victim: leader, duration: 5s}]}}\n",
			`e.yaml:5: field "faults.z": two cells named "read_mode-x-y-z" (the other's value on line 2): give them distinct labels`},
		{"bad label", "name: e\nsetting: {lease_ttl: [1s]}\nfaults:\n  p q: {}\n",
			`e.yaml:4: field "faults": label "p q" cannot name a run`},
	} {
		_, err := ParseSweep("e.yaml", []byte(tt.text))
		if err == nil || !IsError(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got\n%v\nwant it to contain\n%s", tt.name, err, tt.want)
		}
	}
}

func TestShippedSweepLoads(t *testing.T) {
	s, err := LoadSweep("../examples/sweep-lease-ttl.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Expand(0, 0, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Setting != "lease_ttl" || len(s.Values) != 4 || len(s.Faults) != 3 || !s.Faults[0].Control || len(r.Entries) != 36 {
		t.Errorf("the shipped sweep: setting %q, %d values, %d fault lines, %d runs", s.Setting, len(s.Values), len(s.Faults), len(r.Entries))
	}
}
