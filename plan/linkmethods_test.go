package plan

import (
	"strings"
	"testing"

	"github.com/chaos-election/chaos/netfault"
)

func TestCheckLinkMethods(t *testing.T) {
	text := `target: consul
nemesis:
  faults:
    - {kind: link-loss, victim: leader, loss: 0.3, duration: 5s}
    - {kind: link-delay, victim: leader, delay: 300ms, duration: 5s}
`
	p, err := Parse("plan.yaml", []byte(text), Default())
	if err != nil {
		t.Fatal(err)
	}
	if !p.DelaysNodeLinks() {
		t.Fatal("DelaysNodeLinks = false")
	}
	if err := p.CheckLinkMethods(netfault.Methods{Delay: netfault.Netem}); err != nil {
		t.Fatalf("netem: %v", err)
	}
	err = p.CheckLinkMethods(netfault.Methods{Delay: netfault.Proxy})
	es := AllErrors(err)
	if len(es) != 1 || es[0].Line != 5 || es[0].Field != "nemesis.faults[1].kind" || !strings.Contains(es[0].Msg, "Serf gossip is UDP") {
		t.Fatalf("consul by proxy: %v", err)
	}
	err = p.CheckLinkMethods(netfault.Methods{NoDelay: "no netem and no agent"})
	if es := AllErrors(err); len(es) != 1 || !strings.Contains(es[0].Msg, "no netem and no agent") {
		t.Fatalf("no method: %v", err)
	}
	p.SetTarget("etcd")
	if err := p.CheckLinkMethods(netfault.Methods{Delay: netfault.Proxy}); err != nil {
		t.Fatalf("etcd by proxy: %v", err)
	}
}
