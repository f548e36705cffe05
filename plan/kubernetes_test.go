//go:build !nokube

package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/nemesis"
)

// Target kubernetes takes client-go's timings and checks them as
// client-go does, and refuses, naming the field, what it does not run.
func TestKubernetesPlanChecks(t *testing.T) {
	base := func() Plan {
		p := Default()
		p.SetTarget(TargetKubernetes)
		return p
	}
	if err := base().Validate(); err != nil {
		t.Fatalf("the default plan on kubernetes: %v", err)
	}
	tuned := base()
	tuned.LeaseTTL, tuned.Lease.RenewDeadline, tuned.Lease.RetryPeriod = 4*time.Second, 3*time.Second, time.Second
	if err := tuned.Validate(); err != nil {
		t.Fatalf("4s / 3s / 1s: %v", err)
	}
	p := Default()
	p.Nemesis.Faults = []nemesis.FaultSpec{{Kind: "kill", Victim: nemesis.VictimAPIServer, Duration: time.Second}}
	if err := p.Validate(); !IsError(err) || !strings.Contains(err.Error(), `field "nemesis.faults[0].victim": apiserver: only target kubernetes has API servers`) {
		t.Errorf("victim apiserver on etcd: %v", err)
	}
	p.SetTarget(TargetKubernetes)
	if err := p.Validate(); err != nil {
		t.Errorf("victim apiserver on kubernetes: %v", err)
	}
	three, err := Parse("three.yaml", []byte("target: kubernetes\nkubernetes: {apiservers: 3}\n"), Default())
	if err != nil || three.APIServers() != 3 {
		t.Fatalf("kubernetes.apiservers 3: %d, %v", three.APIServers(), err)
	}
	if text, err := three.YAML(); err != nil || !strings.Contains(string(text), "kubernetes:\n  apiservers: 3\n") {
		t.Errorf("the written plan: %v\n%s", err, text)
	}
	if _, err := Parse("etcd.yaml", []byte("target: etcd\nkubernetes: {apiservers: 3}\n"), Default()); !IsError(err) ||
		!strings.Contains(err.Error(), `etcd.yaml:2: field "kubernetes.apiservers": only target kubernetes has API servers`) {
		t.Errorf("kubernetes.apiservers on etcd: %v", err)
	}
	if Default().APIServers() != 0 || base().APIServers() != 1 {
		t.Errorf("API servers: etcd %d, kubernetes %d; want 0 and 1", Default().APIServers(), base().APIServers())
	}
	for _, c := range []struct {
		name, want string
		edit       func(p *Plan)
	}{
		{"recipe", `field "recipe": target kubernetes elects with client-go's LeaderElector`, func(p *Plan) { p.Recipe = RecipeLeaseObserved }},
		{"register", `field "workload": target kubernetes has no register client`, func(p *Plan) { p.Workload = "election+register" }},
		{"apiservers", `field "kubernetes.apiservers": want 1 to 9, got 10`, func(p *Plan) { p.Kubernetes.APIServers = 10 }},
		{"half seconds", `field "lease_ttl": client-go records the lease duration in whole seconds`, func(p *Plan) { p.LeaseTTL = 2500 * time.Millisecond }},
		{"renew deadline", `field "lease.renew_deadline": client-go needs lease_ttl (3s) > renew_deadline`, func(p *Plan) { p.Lease.RenewDeadline = 3 * time.Second }},
	} {
		p := base()
		c.edit(&p)
		err := p.Validate()
		if !IsError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
