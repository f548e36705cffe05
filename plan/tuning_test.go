package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/tuning"
)

const ms = time.Millisecond

// The servers' settings load with their lines, are written to plan.yaml
// only when set, and read back the same.
func TestTuningLoadsAndRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		text  string
		check func(p Plan) bool
		yaml  string
	}{
		{"etcd:\n  heartbeat_interval: 50ms\n  election_timeout: 600ms\nlease_ttl: 3s\n",
			func(p Plan) bool { return p.Etcd == tuning.Etcd{HeartbeatInterval: 50 * ms, ElectionTimeout: 600 * ms} },
			"etcd:\n  heartbeat_interval: 50ms\n  election_timeout: 600ms\n"},
		{"etcd:\n  election_timeout: 2s\n",
			func(p Plan) bool { return p.Etcd == tuning.Etcd{ElectionTimeout: 2 * time.Second} },
			"etcd:\n  election_timeout: 2s\n"},
		{"target: zookeeper\nzookeeper:\n  tick_time: 200ms\n",
			func(p Plan) bool { return p.ZooKeeper.TickTime == 200*ms },
			"zookeeper:\n  tick_time: 200ms\n"},
		{"target: consul\nconsul:\n  raft_multiplier: 5\n",
			func(p Plan) bool { return p.Consul.RaftMultiplier == 5 && p.Consul.LockDelay == time.Second },
			"consul:\n  lock_delay: 1s\n  behavior: release\n  raft_multiplier: 5\n"},
	} {
		p, err := Load(writePlanFile(t, tc.text), Default())
		if err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		if !tc.check(p) {
			t.Errorf("%q: loaded %+v %+v %+v", tc.text, p.Etcd, p.ZooKeeper, p.Consul)
		}
		out, err := p.YAML()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), tc.yaml) {
			t.Errorf("%q: plan.yaml lacks %q:\n%s", tc.text, tc.yaml, out)
		}
		back, err := Parse("plan.yaml", out, Default())
		if err != nil {
			t.Fatalf("plan.yaml of %q does not load: %v\n%s", tc.text, err, out)
		}
		if !samePlan(back, p) || back.Consul != p.Consul {
			t.Errorf("%q: plan.yaml reads back as %+v", tc.text, back)
		}
	}
	out, err := Default().YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, unset := range []string{"etcd:", "zookeeper:", "raft_multiplier", "tick_time", "heartbeat"} {
		if strings.Contains(string(out), unset) {
			t.Errorf("the default plan.yaml writes %q, which it does not set:\n%s", unset, out)
		}
	}
}

func TestTuningErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []wantErr
	}{
		{"etcd field misspelt", "etcd:\n  election-timeout: 1s\n",
			[]wantErr{{2, "etcd.election-timeout", `did you mean "election_timeout"?`}}},
		{"etcd timeout without unit", "etcd:\n  election_timeout: 1000\n",
			[]wantErr{{2, "etcd.election_timeout", "want a duration with a unit"}}},
		{"etcd election under 5 heartbeats", "etcd:\n  heartbeat_interval: 100ms\n  election_timeout: 400ms\n",
			[]wantErr{{3, "etcd.election_timeout", "etcd refuses an election timeout under 5 heartbeats"}}},
		{"etcd heartbeat too long for the default election", "etcd:\n  heartbeat_interval: 250ms\n",
			[]wantErr{{2, "etcd.heartbeat_interval", "election timeout 1s (the default), heartbeat interval 250ms"}}},
		{"etcd election over 50s", "etcd:\n  election_timeout: 51s\n",
			[]wantErr{{2, "etcd.election_timeout", "over 50s"}}},
		{"etcd sub-millisecond", "etcd:\n  heartbeat_interval: 1500us\n",
			[]wantErr{{2, "etcd.heartbeat_interval", "whole milliseconds"}}},
		{"etcd election not whole heartbeats", "etcd:\n  election_timeout: 1250ms\n",
			[]wantErr{{2, "etcd.election_timeout", "would run as 1.2s; make it a multiple"}}},
		{"etcd lease under its minimum", "lease_ttl: 1s\n",
			[]wantErr{{1, "lease_ttl", "etcd grants no lease shorter than 2s with an election timeout of 1s (the default)"}}},
		{"etcd lease under the minimum of a longer election", "lease_ttl: 3s\netcd:\n  election_timeout: 3s\n",
			[]wantErr{{1, "lease_ttl", "no lease shorter than 5s with an election timeout of 3s and a heartbeat interval of 100ms (the default)"}}},
		{"etcd minimum lease blamed on the timeout when lease_ttl is the default's", "etcd:\n  election_timeout: 5s\n",
			[]wantErr{{2, "etcd.election_timeout", "a lease_ttl of 3s would silently last 8s"}}},
		{"zookeeper tick not whole ms", "target: zookeeper\nzookeeper:\n  tick_time: 2500us\n",
			[]wantErr{{3, "zookeeper.tick_time", "whole milliseconds"}}},
		{"zookeeper session under 2 ticks", "target: zookeeper\nlease_ttl: 3s\nzookeeper:\n  tick_time: 2s\n",
			[]wantErr{{2, "lease_ttl", "grants sessions of 4s to 1m with a tickTime of 2s (minSessionTimeout 2 ticks"}}},
		{"zookeeper session clamped, blamed on the tick", "target: zookeeper\nzookeeper:\n  tick_time: 5s\n",
			[]wantErr{{3, "zookeeper.tick_time", "sessions of 10s to 1m40s with a tickTime of 5s (minSessionTimeout 2 ticks, maxSessionTimeout 20 ticks but never under 1m) and silently clamps a timeout outside them: a lease_ttl of 3s would run as 10s"}}},
		{"zookeeper session over the ceiling", "target: zookeeper\nlease_ttl: 61s\n",
			[]wantErr{{2, "lease_ttl", "grants sessions of 1s to 1m with a tickTime of 500ms (the default)"}}},
		{"consul multiplier over 10", "target: consul\nconsul:\n  raft_multiplier: 11\n",
			[]wantErr{{3, "consul.raft_multiplier", "Consul takes 1 to 10 (agent/config/builder.go), got 11"}}},
		{"consul multiplier as text", "target: consul\nconsul:\n  raft_multiplier: five\n",
			[]wantErr{{3, "consul.raft_multiplier", "want an integer"}}},
		{"external cluster's own settings", "cluster: external\n" +
			"etcd:\n  heartbeat_interval: 50ms\n  election_timeout: 500ms\nzookeeper:\n  tick_time: 1s\nconsul:\n  raft_multiplier: 2\n" +
			"external:\n  nodes: [{endpoint: \"a:1\"}, {endpoint: \"b:1\"}, {endpoint: \"c:1\"}]\n" +
			"nemesis: {faults: [{kind: client-pause, victim: leader, duration: 5s}]}\n",
			[]wantErr{
				{3, "etcd.heartbeat_interval", "a setting of the servers themselves, which the harness does not start on cluster external"},
				{4, "etcd.election_timeout", "cluster external"},
				{6, "zookeeper.tick_time", "cluster external"},
				{8, "consul.raft_multiplier", "cluster external"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writePlanFile(t, tc.yaml)
			_, err := Load(path, Default())
			checkPlanErrs(t, path, err, tc.want)
			if !IsError(err) {
				t.Errorf("%v: not a plan error (exit 254)", err)
			}
		})
	}
}

// What a target does not read is not checked: a matrix may set one
// backend's settings in a base that runs on all three.
func TestTuningOfAnotherTargetIsNotRead(t *testing.T) {
	p := Default()
	p.SetTarget("consul")
	p.Etcd.ElectionTimeout = 100 * ms       // etcd would refuse it
	p.ZooKeeper.TickTime = 10 * time.Second // no 3s session with it
	if err := p.Validate(); err != nil {
		t.Errorf("consul plan with etcd and ZooKeeper settings: %v", err)
	}
	// The register workload alone runs no candidate sessions.
	p = Default()
	p.SetTarget("zookeeper")
	p.setWorkload("register")
	p.ZooKeeper.TickTime = 10 * time.Second
	if err := p.Validate(); err != nil {
		t.Errorf("register plan on a 10s tick: %v", err)
	}
}

func TestTuningFlags(t *testing.T) {
	p := Default()
	p.SetTarget("zookeeper")
	if err := p.SetFlag("zookeeper-tick-time", "2s"); err != nil {
		t.Fatal(err)
	}
	err := p.Validate()
	if es := AllErrors(err); len(es) != 1 || es[0].Error() != `flag --zookeeper-tick-time: field "zookeeper.tick_time": `+
		`the ZooKeeper ensemble grants sessions of 4s to 1m with a tickTime of 2s (minSessionTimeout 2 ticks, maxSessionTimeout 20 ticks but never under 1m) `+
		`and silently clamps a timeout outside them: a lease_ttl of 3s would run as 4s` {
		t.Errorf("tick of 2s with the default 3s lease: %v", err)
	}
	if err := p.SetFlag("lease-ttl", "4s"); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("tick of 2s with a 4s lease: %v", err)
	}
	if err := p.SetFlag("consul-raft-multiplier", "x"); err == nil || err.Error() != `flag --consul-raft-multiplier: field "consul.raft_multiplier": want an integer, got "x"` {
		t.Errorf("--consul-raft-multiplier x: %v", err)
	}
	if err := p.SetFlag("etcd-election-timeout", "1 s"); !IsError(err) || !strings.Contains(err.Error(), `field "etcd.election_timeout": bad duration "1 s"`) {
		t.Errorf("--etcd-election-timeout '1 s': %v", err)
	}
}

// A matrix axis sets them by their dotted names, and a value the backend
// would refuse is an error on the axis's line.
func TestTuningMatrixAxes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.yaml")
	os.WriteFile(path, []byte(`name: timings
base:
  lease_ttl: 4s
axes:
  etcd.election_timeout: [500ms, 1s, 2s]
  etcd.heartbeat_interval: [50ms, 100ms]
exclude:
  - {etcd.election_timeout: 2s, etcd.heartbeat_interval: 50ms}
`), 0o644)
	m, err := LoadMatrix(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range m.Entries {
		got = append(got, e.Plan.Name+"="+FormatDuration(e.Plan.Etcd.ElectionTimeout)+"/"+FormatDuration(e.Plan.Etcd.HeartbeatInterval))
	}
	want := "500ms-50ms=500ms/50ms 500ms-100ms=500ms/100ms 1s-50ms=1s/50ms 1s-100ms=1s/100ms 2s-100ms=2s/100ms"
	if strings.Join(got, " ") != want {
		t.Errorf("entries %s\nwant    %s", strings.Join(got, " "), want)
	}

	os.WriteFile(path, []byte(`name: timings
axes:
  target: [zookeeper]
  zookeeper.tick_time: [500ms, 2s]
`), 0o644)
	_, err = LoadMatrix(path)
	if es := AllErrors(err); len(es) != 1 || !strings.Contains(es[0].Error(), `m.yaml:4: field "zookeeper.tick_time": the ZooKeeper ensemble grants sessions of 4s to 1m with a tickTime of 2s`) {
		t.Errorf("a 2s tick with the default 3s lease: %v", err)
	}
}
