package bench

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

func TestWriteFailoverTable(t *testing.T) {
	p := plan.Default()
	p.SetTarget("consul")
	rows := []FailoverRow{
		{Target: "etcd", Fault: "pause", Plan: p, Validity: "valid", Failovers: 5, Survived: 1, Median: 5430 * time.Millisecond, Max: 6010 * time.Millisecond},
		{Target: "consul", Fault: "kill", Plan: p, Err: errors.New("cluster up: timeout\nlogs...")},
	}
	var b strings.Builder
	if err := WriteFailoverTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| etcd | pause | 5 | 5.43 s | 6.01 s | 0 | 1 | valid |",
		"| consul | kill | | | | | | error: cluster up: timeout |",
		"lease/session TTL 3s",
		"Consul: session lock-delay 1s, behavior release.",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

// A benchmark of an unknown target or fault is bad input, found before
// anything runs.
func TestBenchFailoverRejectsBadInput(t *testing.T) {
	for _, cfg := range []FailoverConfig{{Targets: []string{"mongodb"}}, {Faults: []string{"meteor"}}} {
		rows, err := Failover(context.Background(), cfg)
		if err == nil || len(rows) != 0 || runner.ExitCode(err) != runner.ExitBadInput {
			t.Errorf("%+v: %d rows, %v (exit %d)", cfg, len(rows), err, runner.ExitCode(err))
		}
	}
}
