package netfault

import (
	"reflect"
	"testing"
	"time"
)

func TestGrudgeRoundTrip(t *testing.T) {
	g := map[string][]string{"n1": {"n2", "n3"}, "n2": {"n1"}}
	s := FromGrudge(g)
	want := Shape{{From: "n2", To: "n1"}: {Drop: true}, {From: "n3", To: "n1"}: {Drop: true}, {From: "n1", To: "n2"}: {Drop: true}}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("FromGrudge = %v, want %v", s, want)
	}
	if back := s.Grudge(); !reflect.DeepEqual(back, g) {
		t.Fatalf("Grudge = %v, want %v", back, g)
	}
}

func TestBetweenOneWay(t *testing.T) {
	e := Effect{Delay: 300 * time.Millisecond, Jitter: 200 * time.Millisecond}
	both := Between([]string{"n1"}, []string{"n2", "n3"}, e, false)
	if len(both) != 4 || both[Link{From: "n3", To: "n1"}] != e {
		t.Fatalf("both ways: %v", both)
	}
	one := Between([]string{"n1"}, []string{"n1", "n2"}, Effect{Drop: true}, true)
	if len(one) != 1 || !one[Link{From: "n1", To: "n2"}].Drop {
		t.Fatalf("one way: %v", one)
	}
	if in := one.Into("n2"); len(in) != 1 || !in["n1"].Drop {
		t.Fatalf("Into n2 = %v", in)
	}
	if out := one.OutOf("n2"); len(out) != 0 {
		t.Fatalf("OutOf n2 = %v", out)
	}
	if !both.Delays() || one.Delays() {
		t.Fatal("Delays")
	}
}

func TestCleanAndValidate(t *testing.T) {
	s := Shape{{From: "n1", To: "n1"}: {Drop: true}, {From: "n1", To: "n2"}: {}, {From: "n2", To: "n1"}: {Loss: 0.3}}
	if c := s.Clean(); len(c) != 1 || c[Link{From: "n2", To: "n1"}].Loss != 0.3 {
		t.Fatalf("Clean = %v", c)
	}
	for _, e := range []Effect{{Loss: 1}, {Loss: -0.1}, {Delay: -time.Millisecond}, {Jitter: -time.Millisecond}} {
		if e.Validate() == nil {
			t.Errorf("%+v validated", e)
		}
	}
	for _, e := range []Effect{{}, {Loss: 0.3}, {Delay: time.Second, Jitter: time.Millisecond}, {Drop: true}} {
		if err := e.Validate(); err != nil {
			t.Errorf("%+v: %v", e, err)
		}
	}
	if got := (Effect{Loss: 0.3, Delay: 300 * time.Millisecond, Jitter: 200 * time.Millisecond}).String(); got != "loss 30%, delay 300ms±200ms" {
		t.Errorf("String = %q", got)
	}
}
