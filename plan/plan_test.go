package plan

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/targets/kubernetes"
	"github.com/chaos-election/chaos/targets/lease"
	"github.com/chaos-election/chaos/tuning"
)

func TestDefaultPlanIsValid(t *testing.T) {
	p := Default()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	// What the README's first command promises.
	if p.Target != "etcd" || p.Nodes != 3 || p.Workload != "election" || p.Resource != "token" || p.Strict {
		t.Errorf("default plan %+v", p)
	}
	kinds := map[string]bool{}
	for _, f := range p.Nemesis.Faults {
		kinds[f.Kind] = true
		if f.Duration <= p.LeaseTTL {
			t.Errorf("fault %+v does not outlast the lease TTL %s: no failover", f, p.LeaseTTL)
		}
	}
	if !kinds["partition"] || !kinds["pause"] {
		t.Errorf("default faults %+v: want partitions and pauses", p.Nemesis.Faults)
	}
	if p.Recovery <= 0 || p.Duration != time.Minute {
		t.Errorf("duration %s recovery %s", p.Duration, p.Recovery)
	}
}

func TestPlanYAMLRoundTrip(t *testing.T) {
	every := Plan{
		Name: "every-field", Target: "etcd", Nodes: 5, Workload: "election", Resource: "backend",
		Strict: true, Duration: 2*time.Hour + 90*time.Second, Recovery: 0, Seed: -4242, LeaseTTL: 2 * time.Second,
		WriteEvery: 1500 * time.Microsecond,
		Nemesis: Nemesis{Interval: 0, Faults: []nemesis.FaultSpec{
			{Kind: "kill", Victim: "minority", Duration: time.Hour + 30*time.Second},
			{Kind: "partition", Shape: "bridge", Duration: 500 * time.Millisecond},
		}},
		Checks: Checks{MinOps: 0, AllowNoFaults: true, MaxNoLeader: 3 * time.Second,
			MaxFailover: time.Minute, MaxElectionsPerMinute: 2.5},
	}
	noFaults := Default()
	noFaults.Nemesis.Faults = nil
	noFaults.Checks.AllowNoFaults = true
	seeded := Default()
	seeded.Seed = 1<<53 - 1
	consul := Default()
	consul.SetTarget("consul")
	consul.Consul = Consul{LockDelay: 0, Behavior: "delete"}
	register := Default()
	register.SetTarget("zookeeper")
	register.Workload = "register"
	register.Register = Register{ReadMode: "plain", Keys: 3, ClientsPerNode: 4, Every: 5 * time.Millisecond}
	register.Checks.LinearizableTimeout = 90 * time.Second
	both := register
	both.Workload, both.Register.ReadMode = "election+register", ""
	stamped := Default()
	stamped.Recipe, stamped.LeaseTTL = RecipeLeaseTimestamp, 1500*time.Millisecond
	stamped.Lease.RenewEvery = 200 * time.Millisecond
	stamped.Nemesis.Faults = []nemesis.FaultSpec{
		{Kind: "clock-skew", Victim: "leader", Offset: -4 * time.Second, Duration: 6 * time.Second},
		{Kind: "clock-drift", Victim: "n2", Rate: 0.5, Duration: 6 * time.Second},
	}
	observed := Default()
	observed.Recipe = RecipeLeaseObserved
	observed.Lease = Lease{RenewDeadline: 2 * time.Second, RetryPeriod: 400 * time.Millisecond}
	plans := []Plan{Default(), every, noFaults, seeded, consul, register, both, stamped}
	if lease.ObservedAvailable {
		plans = append(plans, observed)
	}
	for _, p := range plans {
		if err := p.Validate(); err != nil && p.Name != "every-field" {
			t.Errorf("%s: %v", p.Name, err)
		}
		b, err := p.YAML()
		if err != nil {
			t.Fatal(err)
		}
		// Over a different base, so that every field must come from the file.
		got, err := Parse("plan.yaml", b, Plan{Name: "other", Nodes: 9, Nemesis: Nemesis{Faults: []nemesis.FaultSpec{{Kind: "x"}}}})
		if err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		if !samePlan(got, p) {
			t.Errorf("round trip changed the plan:\n got %+v\nwant %+v\n%s", got, p, b)
		}
	}
}

func TestPlanYAMLText(t *testing.T) {
	b, err := Default().YAML()
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{
		"name: etcd-default\n",
		"duration: 1m\n",
		"seed: 0 # 0: a new seed each run\n",
		"    - {kind: partition, shape: isolate-leader, duration: 8s}\n",
		"    - {kind: pause, victim: leader, duration: 8s}\n",
		"  max_no_leader: 0s\n",
		"  max_elections_per_minute: 0\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan YAML lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "!!") {
		t.Errorf("plan YAML has explicit tags:\n%s", text)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 8 * time.Second: "8s", time.Minute: "1m", 90 * time.Second: "1m30s",
		time.Hour: "1h", time.Hour + time.Second: "1h0m1s", 50 * time.Millisecond: "50ms",
		time.Minute + 500*time.Millisecond: "1m0.5s", -time.Second: "-1s",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("formatDuration(%d) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(FormatDuration(d)); err != nil || back != d {
			t.Errorf("%q does not parse back to %d: %v", FormatDuration(d), d, err)
		}
	}
}

func TestValidateInCode(t *testing.T) {
	p := Default()
	p.Nodes = 0
	p.Resource = ""
	err := p.Validate()
	es := AllErrors(err)
	if len(es) != 2 {
		t.Fatalf("got %v, want 2 errors", err)
	}
	if got, want := es[0].Error(), `plan: field "nodes": must be between 1 and 15, got 0`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := es[1].Error(), `plan: field "resource": unknown resource "" (known: none, token, backend)`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !IsError(err) {
		t.Errorf("%v: not a plan error (exit 254)", err)
	}
}

func TestSetFlag(t *testing.T) {
	p := Default()
	set := map[string]string{
		"name": "tuning", "target": "etcd", "nodes": "5", "resource": "backend", "strict": "true",
		"duration": "2m0s", "recovery": "15s", "seed": "77", "lease-ttl": "4s",
		"consul-lock-delay": "2s", "consul-behavior": "delete", "consul-raft-multiplier": "3",
		"etcd-heartbeat-interval": "50ms", "etcd-election-timeout": "500ms", "zookeeper-tick-time": "1s",
		"workload": "election+register", "read-mode": "serializable", "keys": "9", "recipe": "lease-timestamp",
	}
	for _, f := range Flags() {
		v, ok := set[f.Name]
		if !ok {
			t.Fatalf("no test value for flag --%s", f.Name)
		}
		if f.Usage == "" || f.Field == "" {
			t.Errorf("flag %+v lacks usage or field", f)
		}
		if err := p.SetFlag(f.Name, v); err != nil {
			t.Fatal(err)
		}
	}
	want := Default()
	want.Name, want.Nodes, want.Resource, want.Strict = "tuning", 5, "backend", true
	want.Duration, want.Recovery, want.Seed, want.LeaseTTL = 2*time.Minute, 15*time.Second, 77, 4*time.Second
	want.Consul = Consul{LockDelay: 2 * time.Second, Behavior: "delete", RaftMultiplier: 3}
	want.Etcd = tuning.Etcd{HeartbeatInterval: 50 * time.Millisecond, ElectionTimeout: 500 * time.Millisecond}
	want.ZooKeeper = tuning.ZooKeeper{TickTime: time.Second}
	want.Workload, want.Register.ReadMode, want.Register.Keys = "election+register", "serializable", 9
	want.Recipe = "lease-timestamp"
	if !samePlan(p, want) {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
}

// Choosing a target without naming the run names it after the target; a
// name given anywhere stays.
func TestTargetNamesAnUnnamedRun(t *testing.T) {
	p := Default()
	if err := p.SetFlag("target", "zookeeper"); err != nil || p.Name != "zookeeper-default" {
		t.Fatalf("--target zookeeper: name %q, %v", p.Name, err)
	}
	if err := p.SetFlag("workload", "register"); err != nil || p.Name != "zookeeper-register" {
		t.Fatalf("--workload register: name %q, %v", p.Name, err)
	}
	if q, err := Load(writePlanFile(t, "workload: election+register\n"), Default()); err != nil || q.Name != "etcd-election-register" {
		t.Fatalf("workload: election+register in a file: name %q, %v", q.Name, err)
	}
	p, err := Load(writePlanFile(t, "target: consul\nconsul:\n  lock_delay: 0s\n  behavior: delete\n"), Default())
	if err != nil || p.Name != "consul-default" || p.Consul != (Consul{LockDelay: 0, Behavior: "delete"}) {
		t.Fatalf("target: consul in a file: %+v, %v", p, err)
	}
	p, err = Load(writePlanFile(t, "name: mine\ntarget: consul\n"), Default())
	if err != nil || p.Name != "mine" {
		t.Fatalf("named plan: %q, %v", p.Name, err)
	}
	if err := p.SetFlag("target", "zookeeper"); err != nil || p.Name != "mine" {
		t.Fatalf("named plan, --target: %q, %v", p.Name, err)
	}
	_, err = Load(writePlanFile(t, "target: consul\nconsul:\n  behavior: forget\n  lock_delay: 2m\n"), Default())
	es := AllErrors(err)
	if len(es) != 2 || !strings.Contains(es[0].Error(), ":3: field \"consul.behavior\": unknown consul.behavior \"forget\"") ||
		!strings.Contains(es[1].Error(), ":4: field \"consul.lock_delay\": must be between 0s and 1m") {
		t.Fatalf("bad consul settings: %v", err)
	}
	_, err = Load(writePlanFile(t, "target: zookeeper\nlease_ttl: 90s\n"), Default())
	if err == nil || !strings.Contains(err.Error(), "grants sessions of 1s to 1m with a tickTime of 500ms (the default)") ||
		!strings.Contains(err.Error(), "a lease_ttl of 1m30s would run as 1m") {
		t.Fatalf("zookeeper session of 90s: %v", err)
	}
}

func TestSetFlagErrors(t *testing.T) {
	p := Default()
	for _, tc := range []struct{ flag, value, want string }{
		{"nodes", "three", `flag --nodes: field "nodes": want an integer, got "three"`},
		{"duration", "5 seconds", `flag --duration: field "duration": bad duration "5 seconds"`},
		{"lease-ttl", "3", `flag --lease-ttl: field "lease_ttl": bad duration "3"`},
		{"strict", "maybe", `flag --strict: field "strict": want true or false`},
		{"seed", "0.5", `flag --seed: field "seed": want an integer`},
	} {
		err := p.SetFlag(tc.flag, tc.value)
		var pe *Error
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("SetFlag(%q, %q) = %v, want %q...", tc.flag, tc.value, err, tc.want)
		}
	}
	err := p.SetFlag("colour", "red")
	var pe *Error
	if err == nil || errors.As(err, &pe) {
		t.Errorf("unknown flag: got %v, want a plain error", err)
	}
	if !samePlan(p, Default()) {
		t.Error("failed SetFlag calls changed the plan")
	}
}

// A value set by a flag over a file is blamed on the flag; the file's other
// values keep their lines.
func TestValidatePointsAtFlagOrFile(t *testing.T) {
	path := writePlanFile(t, "nodes: 5\nresource: fence\n")
	_, err := Load(path, Default())
	checkPlanErrs(t, path, err, []wantErr{{2, "resource", "unknown resource"}})

	path = writePlanFile(t, "nodes: 5\nresource: none\nlease_ttl: 2s\n")
	p, err := Load(path, Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetFlag("nodes", "0"); err != nil {
		t.Fatal(err)
	}
	p.Resource = "fence" // set in code after loading: still blamed on the file line
	es := AllErrors(p.Validate())
	if len(es) != 2 {
		t.Fatalf("got %v, want 2 errors", es)
	}
	if got, want := es[0].Error(), path+`:2: field "resource": unknown resource "fence" (known: none, token, backend)`; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got, want := es[1].Error(), `flag --nodes: field "nodes": must be between 1 and 15, got 0`; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// A fault of the base plan that does not fit the node count of the file
// has no line of its own: the error says where the node count came from.
func TestDefaultFaultBlamesNodes(t *testing.T) {
	path := writePlanFile(t, "name: x\nnodes: 2\n")
	_, err := Load(path, Default())
	es := AllErrors(err)
	if len(es) != 2 {
		t.Fatalf("got %v, want an error for each default partition", err)
	}
	want := `plan: field "nemesis.faults[0].kind": a partition needs at least 3 nodes`
	if got := es[0].Error(); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "(a fault of the default plan; nodes is set by "+path+":2)") {
		t.Errorf("got %q", got)
	}
}

func TestPlanErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "p.yaml", Line: 3, Field: "nodes", Msg: "m"}, `p.yaml:3: field "nodes": m`},
		{Error{File: "p.yaml", Line: 3, Msg: "bad YAML: x"}, `p.yaml:3: bad YAML: x`},
		{Error{File: "p.yaml", Field: "nodes", Msg: "m"}, `p.yaml: field "nodes": m`},
		{Error{Flag: "--nodes", Field: "nodes", Msg: "m"}, `flag --nodes: field "nodes": m`},
		{Error{Field: "nodes", Msg: "m"}, `plan: field "nodes": m`},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	multi := Errors{{File: "a", Line: 1, Msg: "x"}, {File: "a", Line: 2, Msg: "y"}}
	if got := multi.Error(); got != "a:1: x\na:2: y" {
		t.Errorf("PlanErrors.Error() = %q", got)
	}
	var pe *Error
	if !errors.As(error(multi), &pe) || pe.Line != 1 {
		t.Errorf("errors.As on PlanErrors found %v", pe)
	}
}

func TestTooManyErrorsAreCapped(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 50; i++ {
		b.WriteString("bogus" + strings.Repeat("x", i) + ": 1\n")
	}
	path := writePlanFile(t, b.String())
	_, err := Load(path, Default())
	if n := len(AllErrors(err)); n != maxPlanErrors {
		t.Errorf("got %d errors, want the cap %d", n, maxPlanErrors)
	}
}

func TestExamplesLoad(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 2 {
		t.Fatalf("found %d examples", len(paths))
	}
	loaded := map[string]Plan{}
	for _, path := range paths {
		if strings.HasSuffix(path, "-matrix.yaml") {
			continue // a matrix, not a plan: TestShippedMatrixLoads
		}
		if strings.HasPrefix(filepath.Base(path), "sweep-") {
			continue // a sweep: TestShippedSweepLoads
		}
		if strings.HasPrefix(filepath.Base(path), "kubernetes-") && !kubernetes.Available {
			continue // refused without client-go: TestKubernetesNeedsClientGo
		}
		// Over an empty base: an example must say everything it needs.
		p, err := Load(path, Plan{})
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if want := strings.TrimSuffix(filepath.Base(path), ".yaml"); p.Name != want {
			t.Errorf("%s: name %q, want %q (the file's name)", path, p.Name, want)
		}
		loaded[p.Name] = p
	}
	if p, ok := loaded["etcd-default"]; !ok || !samePlan(p, Default()) {
		t.Errorf("examples/etcd-default.yaml is not the default plan:\n got %+v\nwant %+v", p, Default())
	}
	u, ok := loaded["etcd-unfenced"]
	if !ok {
		t.Fatal("no examples/etcd-unfenced.yaml")
	}
	if u.Resource != "none" {
		t.Errorf("etcd-unfenced resource %q, want none", u.Resource)
	}
	frozen := false
	for _, f := range u.Nemesis.Faults {
		if f.Kind == "client-pause" && f.Victim == "leader" && f.Duration > u.LeaseTTL {
			frozen = true
		}
	}
	if !frozen {
		t.Errorf("etcd-unfenced faults %+v: want a client pause of the leader longer than the TTL %s", u.Nemesis.Faults, u.LeaseTTL)
	}
}

func TestExamplesDefaultMatchesYAML(t *testing.T) {
	// The shipped default differs from Plan.YAML only in comments and
	// spacing: same keys, same order.
	want, err := Default().YAML()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "examples", "etcd-default.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := keysOf(string(got)), keysOf(string(want)); a != b {
		t.Errorf("keys differ:\nexample: %s\nYAML():  %s", a, b)
	}
}

// keysOf lists "key:" tokens line by line, comments dropped.
func keysOf(text string) string {
	var keys []string
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if k, _, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(k, "-") {
			keys = append(keys, k)
		}
	}
	return strings.Join(keys, " ")
}
