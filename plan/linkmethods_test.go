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
    - {kind: link-rate, victim: leader, bandwidth: 256kbit, duration: 5s}
`
	p, err := Parse("plan.yaml", []byte(text), Default())
	if err != nil {
		t.Fatal(err)
	}
	if !p.DelaysNodeLinks() {
		t.Fatal("DelaysNodeLinks = false")
	}
	if !p.ShapesNodeLinks() || p.Nemesis.Faults[2].Bandwidth != 32_000 {
		t.Fatalf("ShapesNodeLinks %v, bandwidth %d", p.ShapesNodeLinks(), p.Nemesis.Faults[2].Bandwidth)
	}
	if err := p.CheckLinkMethods(netfault.Methods{Delay: netfault.Netem, Rate: netfault.HTB}); err != nil {
		t.Fatalf("netem: %v", err)
	}
	err = p.CheckLinkMethods(netfault.Methods{Delay: netfault.Netem, NoRate: "no htb here"})
	if es := AllErrors(err); len(es) != 1 || es[0].Line != 6 || !strings.Contains(es[0].Msg, "no htb here") {
		t.Fatalf("no htb: %v", err)
	}
	err = p.CheckLinkMethods(netfault.Methods{Delay: netfault.Proxy, Rate: netfault.HTB})
	es := AllErrors(err)
	if len(es) != 1 || es[0].Line != 5 || es[0].Field != "nemesis.faults[1].kind" || !strings.Contains(es[0].Msg, "Serf gossip is UDP") {
		t.Fatalf("consul by proxy: %v", err)
	}
	err = p.CheckLinkMethods(netfault.Methods{NoDelay: "no netem and no agent", Rate: netfault.HTB})
	if es := AllErrors(err); len(es) != 1 || !strings.Contains(es[0].Msg, "no netem and no agent") {
		t.Fatalf("no method: %v", err)
	}
	p.SetTarget("etcd")
	if err := p.CheckLinkMethods(netfault.Methods{Delay: netfault.Proxy, Rate: netfault.HTB}); err != nil {
		t.Fatalf("etcd by proxy: %v", err)
	}
}
