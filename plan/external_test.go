package plan

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const externalPlanText = `name: staging
target: etcd
cluster: external
duration: 30s
nemesis:
  interval: 2s
  faults:
    - {kind: pause, victim: leader, duration: 5s}
    - {kind: partition, shape: halves, duration: 5s}
    - {kind: client-delay, victim: random, duration: 4s, delay: 200ms, jitter: 50ms}
    - {kind: client-loss, victim: leader, duration: 4s, loss: 0.25}
external:
  prefix: /chaos-staging
  docker: true
  command_timeout: 10s
  nodes:
    - {endpoint: "10.1.0.1:2379", container: etcd-a, host: db1}
    - {endpoint: "10.1.0.2:2379", container: etcd-b}
    - {endpoint: "10.1.0.3:2379", container: etcd-c}
  commands:
    pause: {start: "ssh {host} sudo pkill -STOP etcd", heal: "ssh {host} sudo pkill -CONT etcd"}
  tls: {ca_file: ca.pem}
  auth: {username: root, password_env: STAGING_ETCD_PASSWORD}
`

func TestExternalPlanParsesAndRoundTrips(t *testing.T) {
	p, err := Parse("staging.yaml", []byte(externalPlanText), Default())
	if err != nil {
		t.Fatal(err)
	}
	e := p.External
	if p.Cluster != ClusterExternal || p.Nodes != 3 || len(e.Nodes) != 3 || e.Nodes[0].Host != "db1" || e.Nodes[2].Container != "etcd-c" ||
		!e.Docker || e.Prefix != "/chaos-staging" || e.CommandTimeout != 10*time.Second || e.Commands["pause"].Heal == "" ||
		e.TLS.CAFile != "ca.pem" || e.Auth.PasswordEnv != "STAGING_ETCD_PASSWORD" {
		t.Fatalf("parsed %+v", p)
	}
	if f := p.Nemesis.Faults[2]; f.Delay != 200*time.Millisecond || f.Jitter != 50*time.Millisecond || p.Nemesis.Faults[3].Loss != 0.25 {
		t.Fatalf("link faults %+v", p.Nemesis.Faults)
	}
	if !p.LinkFaults() || !strings.Contains(p.Summary(), "3 external nodes") {
		t.Errorf("LinkFaults %v, summary %q", p.LinkFaults(), p.Summary())
	}
	text, err := p.YAML()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("again.yaml", text, Default())
	if err != nil {
		t.Fatalf("the written plan does not load: %v\n%s", err, text)
	}
	again.src, p.src = nil, nil
	if !reflect.DeepEqual(again, p) {
		t.Errorf("round trip differs:\n%+v\n%+v\n%s", again, p, text)
	}
}

func TestExternalPlanErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []wantErr
	}{
		{"pause not granted", `cluster: external
nemesis:
  faults:
    - {kind: pause, victim: leader, duration: 5s}
external:
  nodes: [{endpoint: "a:1"}, {endpoint: "b:1"}, {endpoint: "c:1"}]
`, []wantErr{{4, "nemesis.faults[0].kind", "pause is not granted"}}},
		{"links between nodes, flaky without a partition grant", `cluster: external
nemesis:
  faults:
    - {kind: link-delay, victim: leader, delay: 300ms, duration: 5s}
    - {kind: flaky, victim: n1, period: 500ms, duration: 5s}
external:
  nodes: [{endpoint: "a:1"}, {endpoint: "b:1"}, {endpoint: "c:1"}]
`, []wantErr{{4, "nemesis.faults[0].kind", "link-delay needs a cluster chaos starts"}, {5, "nemesis.faults[1].kind", "partition is not granted"}}},
		{"endpoint without port, docker without container", `cluster: external
nemesis:
  faults: [{kind: client-partition, victim: leader, duration: 5s}]
external:
  docker: true
  nodes:
    - {endpoint: "a"}
    - {endpoint: "b:1", container: b}
    - {endpoint: "c:1", container: c}
`, []wantErr{{7, "external.nodes[0].endpoint", "want host:port"}, {7, "external.nodes[0].container", "name n1's container"}}},
		{"commands", `cluster: external
nemesis:
  faults: [{kind: kill, victim: leader, duration: 5s}]
external:
  nodes: [{endpoint: "a:1"}, {endpoint: "b:1"}, {endpoint: "c:1"}]
  commands:
    kill: {start: "ssh {hostname} kill etcd"}
    reboot: {start: x, heal: y}
`, []wantErr{{7, "external.commands.kill.heal", "missing"}, {7, "external.commands.kill.start", "unknown placeholder {hostname}"}, {8, "external.commands.reboot", "unknown field"}}},
		{"secrets and tls", `cluster: external
nemesis:
  faults: [{kind: client-pause, victim: leader, duration: 5s}]
external:
  nodes: [{endpoint: "a:1"}, {endpoint: "b:1"}, {endpoint: "c:1"}]
  tls: {cert_file: c.pem}
  auth: {password_env: P, password_file: /p, token: "s3cret"}
`, []wantErr{{6, "external.tls", "cert_file and key_file go together"}, {7, "external.auth.token", "never written in the plan: name where it is, with token_env"},
			{7, "external.auth.password_env", "name one place"}, {7, "external.auth.username", "a password needs its user"}}},
		{"compose with external settings, nodes mismatch", `nodes: 5
external:
  nodes: [{endpoint: "a:1"}]
`, []wantErr{{2, "external", "add cluster: external"}}},
		{"nodes mismatch, bad prefix", `cluster: external
nodes: 5
nemesis:
  faults: [{kind: client-pause, victim: leader, duration: 5s}]
external:
  prefix: chaos-no-slash
  nodes: [{endpoint: "a:1"}, {endpoint: "b:1"}, {endpoint: "c:1"}]
`, []wantErr{{2, "nodes", "external.nodes lists 3"}, {6, "external.prefix", "/"}}},
		{"link fault settings", `nemesis:
  faults:
    - {kind: client-delay, victim: leader, duration: 5s}
    - {kind: client-loss, victim: leader, duration: 5s, loss: 1.5}
    - {kind: pause, victim: leader, duration: 5s, delay: 1s}
`, []wantErr{{3, "nemesis.faults[0].delay", "needs a delay"}, {4, "nemesis.faults[1].loss", "in (0, 1]"}, {5, "nemesis.faults[2].delay", "only client-delay"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writePlanFile(t, tc.text)
			_, err := Load(path, Default())
			checkPlanErrs(t, path, err, tc.want)
		})
	}
}

// Secrets are read from where the plan names them, and errors name the
// field and its line, never the value.
func TestLoadAccess(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("tok-123\n"), 0o600)
	t.Setenv("CHAOS_T_PW", "pw-456")
	text := `cluster: external
target: consul
nemesis:
  faults: [{kind: client-pause, victim: leader, duration: 5s}]
external:
  nodes: [{endpoint: "a:1"}, {endpoint: "b:1"}, {endpoint: "c:1"}]
  auth:
    username: root
    password_env: CHAOS_T_PW
    token_file: ` + tokenFile + `
    digest_env: CHAOS_T_DIGEST
`
	path := writePlanFile(t, text)
	p, err := Load(path, Default())
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.LoadAccess()
	checkPlanErrs(t, path, err, []wantErr{{11, "external.auth.digest_env", "CHAOS_T_DIGEST is not set"}})
	if !IsError(err) {
		t.Errorf("%v: not a plan error (exit 254)", err)
	}
	t.Setenv("CHAOS_T_DIGEST", "nocolon")
	_, err = p.LoadAccess()
	if err == nil || strings.Contains(err.Error(), "nocolon") || !strings.Contains(err.Error(), "user:password") {
		t.Fatalf("digest without a colon: %v", err)
	}
	t.Setenv("CHAOS_T_DIGEST", "harness:dg-789")
	a, err := p.LoadAccess()
	if err != nil {
		t.Fatal(err)
	}
	if a.Username != "root" || a.Password != "pw-456" || a.Token != "tok-123" || a.Digest != "harness:dg-789" {
		t.Fatalf("access %v", a)
	}
}
