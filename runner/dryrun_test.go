package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/kubernetes"
)

// The dry run of an external plan says where each secret comes from and
// never shows one.
func TestDryRunHidesSecrets(t *testing.T) {
	t.Setenv("CHAOS_T_PW", "pw-456")
	t.Setenv("CHAOS_T_TOKEN", "tok-123")
	path := filepath.Join(t.TempDir(), "staging.yaml")
	text := "cluster: external\ntarget: consul\nnemesis: {faults: [{kind: client-pause, victim: leader, duration: 5s}]}\n" +
		"external:\n  nodes: [{endpoint: \"a:1\"}, {endpoint: \"b:1\"}, {endpoint: \"c:1\"}]\n" +
		"  auth: {username: root, password_env: CHAOS_T_PW, token_env: CHAOS_T_TOKEN}\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := plan.Load(path, plan.Default())
	if err != nil {
		t.Fatal(err)
	}
	a, err := p.LoadAccess()
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := p.NewTarget(a)
	if err != nil {
		t.Fatal(err)
	}
	var dry bytes.Buffer
	if err := WriteDryRun(&dry, "runs", p, tgt); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"pw-456", "tok-123"} {
		if strings.Contains(dry.String(), secret) {
			t.Errorf("the dry run shows %s:\n%s", secret, dry.String())
		}
	}
	for _, want := range []string{"password from $CHAOS_T_PW", "ACL token from $CHAOS_T_TOKEN", "n3  c:1", "client-pause of leader"} {
		if !strings.Contains(dry.String(), want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry.String())
		}
	}
}

// A compose plan's dry run says what it would start, and how each fault
// is made.
func TestDryRunCompose(t *testing.T) {
	var b bytes.Buffer
	p := plan.Default()
	tgt, err := p.NewTarget(targets.Access{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteDryRun(&b, "runs", p, tgt); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 etcd containers started in Docker", "partition isolate-leader for 8s: the network agent under each node", "pause of leader for 8s: docker pause", "each talking only to its own node, directly"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("dry run lacks %q:\n%s", want, b.String())
		}
	}
}

// The dry run says what a client-kill does: a crash that releases
// nothing, and a fresh process at the heal.
func TestDryRunClientKill(t *testing.T) {
	var b bytes.Buffer
	p := plan.Default()
	p.Nemesis.Faults = []nemesis.FaultSpec{{Kind: "client-kill", Victim: "leader", Duration: 8 * time.Second}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	tgt, err := p.NewTarget(targets.Access{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteDryRun(&b, "runs", p, tgt); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"client-kill of leader for 8s: the harness crashes the candidate's process", "releases nothing", "starts a fresh candidate process"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("dry run lacks %q:\n%s", want, b.String())
		}
	}
}

// The dry run names the servers' own settings a plan sets, with what they
// imply, and says nothing of them when it sets none.
func TestDryRunServerSettings(t *testing.T) {
	for _, tc := range []struct{ flags, want string }{
		{"", ""},
		{"target=etcd etcd-heartbeat-interval=50ms etcd-election-timeout=500ms",
			"servers: etcd heartbeat interval 50ms, election timeout 500ms (etcd's defaults: 100ms, 1s)"},
		{"target=zookeeper zookeeper-tick-time=1s lease-ttl=4s",
			"servers: ZooKeeper tickTime 1s (the ensemble's default: 500ms): initLimit 10 and syncLimit 4 ticks, sessions of 2s to 1m"},
		{"target=consul consul-raft-multiplier=3",
			"servers: Consul raft_multiplier 3 (the compose file's default: 1): Raft election timeout 3s, leader lease 1.5s"},
	} {
		p := plan.Default()
		for _, kv := range strings.Fields(tc.flags) {
			k, v, _ := strings.Cut(kv, "=")
			if err := p.SetFlag(k, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", tc.flags, err)
		}
		tgt, err := p.NewTarget(targets.Access{})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := WriteDryRun(&b, "runs", p, tgt); err != nil {
			t.Fatal(err)
		}
		if tc.want == "" {
			if strings.Contains(b.String(), "servers:") {
				t.Errorf("default plan: the dry run names server settings:\n%s", b.String())
			}
		} else if !strings.Contains(b.String(), tc.want+"\n") {
			t.Errorf("%s: the dry run lacks %q:\n%s", tc.flags, tc.want, b.String())
		}
	}
}

// The dry run of target kubernetes says what it starts (etcd and an API
// server, credentials kept out of the run directory) and how the
// candidates elect, with client-go's timings.
func TestDryRunKubernetes(t *testing.T) {
	p := plan.Default()
	p.SetTarget(plan.TargetKubernetes)
	p.LeaseTTL, p.Lease.RenewDeadline, p.Lease.RetryPeriod = 4*time.Second, 3*time.Second, time.Second
	tgt, err := p.NewTarget(targets.Access{})
	if err != nil {
		t.Fatal(err)
	}
	var dry bytes.Buffer
	if err := WriteDryRun(&dry, "runs", p, tgt); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 etcd containers and 1 kube-apiserver in front", "kept out of the run directory",
		"client-go's LeaderElector on a LeaseLock (LeaseDuration 4s, RenewDeadline 3s, RetryPeriod 1s)"} {
		if !strings.Contains(dry.String(), want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry.String())
		}
	}
	p.Kubernetes.APIServers = 3
	dry.Reset()
	if err := WriteDryRun(&dry, "runs", p, tgt); err != nil {
		t.Fatal(err)
	}
	if want := "3 etcd containers and 3 kube-apiservers (candidate n1 on api1, n2 on api2, ..., round robin) in front"; !strings.Contains(dry.String(), want) {
		t.Errorf("the dry run lacks %q:\n%s", want, dry.String())
	}
}

// The dry run of a staging Kubernetes cluster names the kubeconfig, its
// context and the namespace, starts nothing, and puts one proxy per
// candidate in front of the API server for the client side's link faults.
func TestDryRunStagingKubernetes(t *testing.T) {
	if !kubernetes.Available {
		t.Skip("a -tags nokube build refuses target kubernetes (plan's TestKubernetesNeedsClientGo)")
	}
	p, err := plan.Load("../examples/kubernetes-staging.yaml", plan.Plan{})
	if err != nil {
		t.Fatal(err)
	}
	p.External.Context = "staging"
	tgt, err := p.NewTarget(targets.Access{})
	if err != nil {
		t.Fatal(err)
	}
	var dry bytes.Buffer
	if err := WriteDryRun(&dry, "runs", p, tgt); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kubernetes, a staging cluster, 3 candidates", "the API server of kubeconfig ~/.kube/config (context staging)",
		"chaos starts, stops and removes nothing on it", "namespace chaos-staging, which must exist",
		"3 candidates (n1, n2, ...), each client-go's LeaderElector", "one per candidate in front of its API server"} {
		if !strings.Contains(dry.String(), want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry.String())
		}
	}
	if strings.Contains(dry.String(), "etcd containers") {
		t.Errorf("the dry run of a staging cluster starts etcd:\n%s", dry.String())
	}
}
