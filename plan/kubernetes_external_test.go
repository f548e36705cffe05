//go:build !nokube

package plan

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/external/grant"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/kubernetes"
)

const stagingKubePlan = `target: kubernetes
cluster: external
nodes: 4
lease_ttl: 4s
lease: {renew_deadline: 3s, retry_period: 1s}
external:
  kubeconfig: staging.kubeconfig
  context: staging
  namespace: chaos-test
nemesis:
  faults:
    - {kind: client-pause, victim: leader, duration: 6s}
    - {kind: client-delay, victim: leader, delay: 2s, duration: 5s}
    - {kind: client-partition, victim: random, duration: 5s}
`

// A staging Kubernetes cluster's plan parses, validates and round-trips;
// its candidates are nodes, not a node list.
func TestStagingKubernetesPlan(t *testing.T) {
	p, err := Parse("staging.yaml", []byte(stagingKubePlan), Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	e := p.External
	if e.Kubeconfig != "staging.kubeconfig" || e.Context != "staging" || e.Namespace != "chaos-test" || p.Nodes != 4 {
		t.Fatalf("decoded %+v, %d nodes", e, p.Nodes)
	}
	text, err := p.YAML()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("again.yaml", text, Default())
	if err != nil {
		t.Fatalf("the written plan does not parse: %v\n%s", err, text)
	}
	if again.External.Kubeconfig != e.Kubeconfig || again.External.Context != e.Context || again.External.Namespace != e.Namespace || again.Nodes != 4 {
		t.Fatalf("round trip: %+v\n%s", again.External, text)
	}
	if err := again.Validate(); err != nil {
		t.Fatalf("the written plan: %v\n%s", err, text)
	}
	tgt, err := p.NewTarget(targets.Access{})
	if kt, ok := tgt.(*kubernetes.Target); err != nil || !ok || kt.Root() != "chaos-test" {
		t.Errorf("target %T (%v): want target kubernetes in namespace chaos-test", tgt, err)
	}
}

// Each thing a staging Kubernetes plan cannot have is refused at its field.
func TestStagingKubernetesPlanErrors(t *testing.T) {
	for _, c := range []struct {
		name, want string
		edit       func(p *Plan)
	}{
		{"no kubeconfig", `field "external.kubeconfig": missing`, func(p *Plan) { p.External.Kubeconfig = "" }},
		{"no namespace", `field "external.namespace": missing`, func(p *Plan) { p.External.Namespace = "" }},
		{"bad namespace", `field "external.namespace": "Chaos_Test" is not a Kubernetes namespace name`, func(p *Plan) { p.External.Namespace = "Chaos_Test" }},
		{"nodes listed", `field "external.nodes": is not read on a staging Kubernetes cluster`, func(p *Plan) {
			p.External.Nodes = []ExternalNode{{Endpoint: "10.0.0.1:6443"}}
		}},
		{"prefix", `field "external.prefix": is not read`, func(p *Plan) { p.External.Prefix = "/x" }},
		{"health timeout", `field "external.health_timeout": must not be negative`, func(p *Plan) { p.External.HealthTimeout = -time.Second }},
		{"docker", `field "external.docker": is not read`, func(p *Plan) { p.External.Docker = true }},
		{"auth", `field "external.auth": is not read`, func(p *Plan) { p.External.Auth.TokenEnv = "TOKEN" }},
		{"partition", `field "nemesis.faults[0].kind": partition acts on the cluster's nodes`, func(p *Plan) {
			p.Nemesis.Faults = []nemesis.FaultSpec{{Kind: "partition", Shape: "isolate-leader", Duration: time.Second}}
		}},
		{"kill", `field "nemesis.faults[0].kind": kill acts on the cluster's nodes`, func(p *Plan) {
			p.Nemesis.Faults = []nemesis.FaultSpec{{Kind: "kill", Victim: "leader", Duration: time.Second}}
		}},
		{"apiserver ungranted", `field "nemesis.faults[0].kind": pause of the API server is not granted on this staging cluster: give external.commands.pause`, func(p *Plan) {
			p.Nemesis.Faults = []nemesis.FaultSpec{{Kind: "pause", Victim: nemesis.VictimAPIServer, Duration: time.Second}}
		}},
		{"partition commands", `field "external.commands.partition": on a staging Kubernetes cluster commands grant only pause and kill`, func(p *Plan) {
			p.External.Commands = map[string]grant.Command{grant.FaultPartition: {Start: "a", Heal: "b"}}
		}},
		{"no heal", `field "external.commands.kill.heal": missing`, func(p *Plan) {
			p.External.Commands = map[string]grant.Command{grant.FaultKill: {Start: "ssh {host} sudo systemctl kill kube-apiserver"}}
		}},
	} {
		p, err := Parse("staging.yaml", []byte(stagingKubePlan), Default())
		if err != nil {
			t.Fatal(err)
		}
		c.edit(&p)
		if err := p.Validate(); !IsError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
	// Granted by commands, the API server may be paused.
	p, err := Parse("staging.yaml", []byte(strings.Replace(stagingKubePlan, "  namespace: chaos-test\n", `  namespace: chaos-test
  commands:
    pause: {start: "ssh {host} sudo systemctl kill -s STOP kube-apiserver", heal: "ssh {host} sudo systemctl kill -s CONT kube-apiserver"}
`, 1)), Default())
	if err != nil {
		t.Fatal(err)
	}
	p.Nemesis.Faults = append(p.Nemesis.Faults, nemesis.FaultSpec{Kind: "pause", Victim: nemesis.VictimAPIServer, Duration: time.Second})
	if err := p.Validate(); err != nil {
		t.Errorf("a granted pause of the API server: %v", err)
	}
	if text, err := p.YAML(); err != nil || !strings.Contains(string(text), "systemctl kill -s STOP kube-apiserver") {
		t.Errorf("the written plan lacks the commands: %v\n%s", err, text)
	} else if again, err := Parse("again.yaml", text, Default()); err != nil || again.External.Commands[grant.FaultPause] != p.External.Commands[grant.FaultPause] {
		t.Errorf("the commands do not round-trip: %v", err)
	}
	// A kubeconfig on another target's external cluster.
	_, err = Parse("etcd.yaml", []byte("cluster: external\nexternal:\n  kubeconfig: k\n  nodes: [{endpoint: 127.0.0.1:2379}]\nnemesis: {faults: [{kind: client-pause, victim: leader, duration: 1s}]}\n"), Default())
	if !IsError(err) || !strings.Contains(err.Error(), `etcd.yaml:3: field "external.kubeconfig": is for target kubernetes`) {
		t.Errorf("kubeconfig on etcd: %v", err)
	}
}

// The kubeconfig is read when the run starts, as client-go reads it: its
// context must be there; an error names the file and field and never
// shows what the file holds.
func TestLoadKubeconfig(t *testing.T) {
	dir := t.TempDir()
	const token = "kube-s3cret-t0ken"
	cfg := `apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: c
  cluster: {server: "https://10.1.2.3:6443", certificate-authority: ca.crt, tls-server-name: kube-apiserver}
users:
- name: u
  user: {token: ` + token + `}
contexts:
- name: staging
  context: {cluster: c, user: u}
- name: other
  context: {cluster: c, user: u}
`
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	kc := write("config", cfg)
	write("ca.crt", "not read until a connection is made")
	plan := func(kubeconfig, context string) Plan {
		p, err := Parse("staging.yaml", []byte(stagingKubePlan), Default())
		if err != nil {
			t.Fatal(err)
		}
		p.External.Kubeconfig, p.External.Context = kubeconfig, context
		return p
	}
	a, err := plan(kc, "").LoadAccess()
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if a.Kubeconfig == nil || a.Kubeconfig.Path != kc || !strings.Contains(string(a.Kubeconfig.Data), token) {
		t.Fatalf("access %v", a)
	}
	if strings.Contains(a.String(), token) {
		t.Errorf("the access shows the token: %s", a)
	}
	if _, err := plan(kc, "other").LoadAccess(); err != nil {
		t.Errorf("context other: %v", err)
	}
	for _, c := range []struct {
		name, kubeconfig, context, want string
	}{
		{"missing file", filepath.Join(dir, "absent"), "", `staging.yaml:7: field "external.kubeconfig": open ` + filepath.Join(dir, "absent")},
		{"no such context", kc, "prod", `field "external.context": ` + kc + `: no context "prod" (it has: other, staging)`},
		{"not a kubeconfig", write("broken", "users:\n- name: u\n  user: {token: "+token+"}\n  - nonsense: [\n"), "", `is not a kubeconfig client-go can read (at line`},
		{"no server", write("noserver", strings.Replace(cfg, `server: "https://10.1.2.3:6443", `, "", 1)), "", `field "external.kubeconfig"`},
	} {
		_, err := plan(c.kubeconfig, c.context).LoadAccess()
		if !IsError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), token) {
			t.Errorf("%s: the error shows the token: %v", c.name, err)
		}
		if c.name == "no such context" && !errors.Is(err, kubernetes.ErrNoContext) {
			t.Errorf("%s: not ErrNoContext: %v", c.name, err)
		}
	}
}
