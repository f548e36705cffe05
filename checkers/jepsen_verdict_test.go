package checkers_test

import (
	"context"
	"testing"

	"github.com/chaos-election/chaos/checkers"
)

// Every Jepsen etcd log porcupine ships gets from chaos the verdict
// porcupine's own tests expect of it.
func TestJepsenVerdicts(t *testing.T) {
	logs := jepsenEtcd(t)
	if len(logs) != 102 {
		t.Errorf("%d logs with a verdict in porcupine_test.go, want 102", len(logs))
	}
	agree, linear := 0, 0
	for _, l := range logs {
		want := checkers.Invalid
		if l.linear {
			want, linear = checkers.Valid, linear+1
		}
		res := (&checkers.Linearizable{}).Check(context.Background(), l.chaos)
		if res.Validity != want {
			t.Errorf("etcd_%03d.log: chaos says %s, porcupine expects %s: %s", l.num, res.Validity, want, res.Summary)
			continue
		}
		if want == checkers.Invalid && (len(res.Anomalies) != 1 || len(res.Anomalies[0].Ops) == 0) {
			t.Errorf("etcd_%03d.log: anomalies %+v", l.num, res.Anomalies)
		}
		agree++
	}
	t.Logf("%d of %d logs agree (%d linearizable, %d not)", agree, len(logs), linear, len(logs)-linear)
}
