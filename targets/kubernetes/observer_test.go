//go:build !nokube

package kubernetes

import (
	"log/slog"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/chaos-election/chaos/targets"
)

func leaseAt(rv, holder, tenure string, renewed time.Time) *coordinationv1.Lease {
	secs := int32(3)
	l := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{ResourceVersion: rv, Labels: map[string]string{TenureLabel: tenure}},
		Spec: coordinationv1.LeaseSpec{LeaseDurationSeconds: &secs, RenewTime: &metav1.MicroTime{Time: renewed}}}
	if holder != "" {
		l.Spec.HolderIdentity = &holder
	}
	return l
}

// The observer's token is the resourceVersion at which a tenure first
// appeared: renewals keep it, a new tenure label moves it even for the
// same holder (client-go keeps acquireTime and leaseTransitions when a
// process takes again a Lease naming it), an expired lease shows no
// leader but keeps the tenure, and a release shows none.
func TestObserverTokens(t *testing.T) {
	o := &observer{log: slog.New(slog.DiscardHandler)}
	now := time.Now()
	var v view
	step := func(l *coordinationv1.Lease, leader string, token uint64) {
		t.Helper()
		v = o.next(v, l)
		if v.leader != leader || v.token != token {
			t.Fatalf("rv %s: leader %q token %d, want %q %d", l.ResourceVersion, v.leader, v.token, leader, token)
		}
	}
	step(leaseAt("10", "n1", "n1.1", now), "n1", 10)
	step(leaseAt("11", "n1", "n1.1", now), "n1", 10)                  // a renewal
	step(leaseAt("12", "n1", "n1.1", now.Add(-4*time.Second)), "", 0) // ran out
	step(leaseAt("13", "n1", "n1.1", now), "n1", 10)                  // the same tenure renews late
	step(leaseAt("14", "n1", "n1.2", now), "n1", 14)                  // n1 again, a new campaign
	step(leaseAt("15", "n2", "n2.1", now), "n2", 15)
	step(leaseAt("16", "", "n2.1", now), "", 0) // released
	step(leaseAt("17", "n2", "n2.1", now), "n2", 15)
}

func TestServerFor(t *testing.T) {
	servers := []targets.Endpoint{{Node: "api1"}, {Node: "api2"}}
	for node, want := range map[string]string{"n1": "api1", "n2": "api2", "n3": "api1", "x": "api1"} {
		if got := serverFor(servers, targets.Endpoint{Node: node}).Node; got != want {
			t.Errorf("%s talks to %s, want %s", node, got, want)
		}
	}
	if _, err := parseRV(&coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{ResourceVersion: "abc"}}); err == nil {
		t.Error("resourceVersion abc read as a number")
	}
}
