package checkers_test

import (
	"testing"

	"github.com/chaos-election/chaos/checkers"
)

// The checkers read a fault through history's Op.Fault: a free field of
// any type beside the fault's own (here a "token" string, which a fault
// op does not read, and a "loss" that is not a number) does not hide what
// the fault hit, and keys spelled otherwise are not the fault's.
func TestFaultReadThroughHistory(t *testing.T) {
	for _, tc := range []struct {
		fault     string
		failovers float64
	}{
		{`{"fault":"pause","nodes":["n1"],"token":"not read here","loss":"lots"}`, 1},
		{`{"fault":"pause","Nodes":["n1"]}`, 0},                         // not the fault's nodes: it hit nobody
		{`{"fault":"client-pause","process":"n1","for":8}`, 1},          // the leader's process
		{`{"fault":"partition","grudge":{"n2":["n1"],"n3":["n1"]}}`, 1}, // cuts the leader's node
	} {
		r := check(h(t, with(
			`200 nemesis info fault-start `+tc.fault,
			`300 n1 info lost {"token":5}`,
			`1200 n2 ok campaign {"token":6}`,
		)...), checkers.Options{})
		if got := result(r, "liveness").Figures["failovers"]; got != tc.failovers {
			t.Errorf("%s: %v failovers, want %v", tc.fault, got, tc.failovers)
		}
	}
}
