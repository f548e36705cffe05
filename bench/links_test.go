package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/plan"
)

func TestParseLinkCondition(t *testing.T) {
	for in, want := range map[string]LinkCondition{
		"none":               {},
		"delay=300ms":        {Delay: 300 * time.Millisecond},
		"delay=1500ms/500ms": {Delay: 1500 * time.Millisecond, Jitter: 500 * time.Millisecond},
		"loss=0.3":           {Loss: 0.3},
	} {
		got, err := ParseLinkCondition(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v, %v; want %+v", in, got, err, want)
		}
		if again, _ := ParseLinkCondition(got.String()); again != got {
			t.Errorf("%q: String %q does not parse back", in, got.String())
		}
	}
	for _, bad := range []string{"", "delay", "delay=0s", "delay=-1s", "delay=1s/x", "loss=1", "loss=0", "loss=x", "jitter=1s"} {
		if _, err := ParseLinkCondition(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestLinksPlans(t *testing.T) {
	base := plan.Default()
	for _, c := range DefaultLinkConditions {
		p, err := linksPlan(base, "zookeeper", c, 10*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if strings.ContainsAny(p.Name, "/=") || p.Target != "zookeeper" {
			t.Errorf("%s: name %q target %q", c, p.Name, p.Target)
		}
		f, has := c.fault(10 * time.Second)
		if len(p.Nemesis.Faults) != map[bool]int{true: 1, false: 0}[has] || has && p.Nemesis.Faults[0] != f {
			t.Errorf("%s: faults %+v", c, p.Nemesis.Faults)
		}
	}
}

func TestLinksTableAgainstControl(t *testing.T) {
	p := plan.Default()
	rows := []LinksRow{
		{Target: "etcd", Plan: p, Validity: checkers.Valid, Elections: 2, ElectionsPerMinute: 2, LeadershipMedian: 30 * time.Second},
		{Target: "etcd", Condition: LinkCondition{Delay: 1200 * time.Millisecond, Jitter: 600 * time.Millisecond}, Plan: p,
			Validity: checkers.Valid, Elections: 9, ElectionsPerMinute: 9, FalseFailovers: 7},
	}
	var b strings.Builder
	if err := WriteLinksTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| etcd | no fault | 2 | 2.0 | 0 |", "| etcd | delay 1.2s + jitter 600ms | 9 | 9.0 | 7 |", "etcd delay 1.2s + jitter 600ms: +7 elections (9 against 2)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
