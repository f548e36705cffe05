package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/nemesis"
)

// A client-kill is accepted wherever a client-pause is: on every target
// and recipe with the election workload, with the same victims; refused
// without the election workload.
func TestClientKillPlans(t *testing.T) {
	kill := []nemesis.FaultSpec{{Kind: "client-kill", Victim: "leader", Duration: 8 * time.Second}}
	for _, target := range knownTargets {
		for _, recipe := range knownRecipes {
			p := Default()
			p.SetTarget(target)
			p.Recipe = recipe
			pause := p
			pause.Nemesis.Faults = []nemesis.FaultSpec{{Kind: "client-pause", Victim: "leader", Duration: 8 * time.Second}}
			p.Nemesis.Faults = kill
			perr, kerr := pause.Validate(), p.Validate()
			if (perr == nil) != (kerr == nil) {
				t.Errorf("%s, %s: client-pause %v, client-kill %v: want both accepted or both refused", target, recipe, perr, kerr)
			}
			if recipe == RecipeNative && kerr != nil && !strings.Contains(kerr.Error(), "needs client-go") {
				t.Errorf("client-kill on %s: %v", target, kerr)
			}
		}
	}
	p := Default()
	p.Workload = "register"
	p.Nemesis.Faults = kill
	if err := p.Validate(); !IsError(err) || !strings.Contains(err.Error(), "client-kill crashes a candidate: it needs the election workload") {
		t.Errorf("client-kill without election: %v", err)
	}
	p = Default()
	p.Nemesis.Faults = []nemesis.FaultSpec{{Kind: "client-kill", Victim: "majority", Duration: time.Second}}
	if err := p.Validate(); !IsError(err) || !strings.Contains(err.Error(), "nemesis.faults[0].victim") {
		t.Errorf("client-kill of a majority: %v", err)
	}
}
