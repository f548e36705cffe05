package sweep

import (
	"testing"
	"time"

	"github.com/chaos-election/chaos/nemesis"
)

func TestUnder(t *testing.T) {
	for _, tt := range []struct {
		faults []nemesis.FaultSpec
		want   string
	}{
		{nil, "no faults"},
		{[]nemesis.FaultSpec{{Kind: "client-pause", Victim: "leader", Duration: 3 * time.Second}}, "client pauses of 3 s"},
		{[]nemesis.FaultSpec{{Kind: "client-kill", Victim: "leader", Duration: 20 * time.Second}}, "client kills for 20 s"},
		{[]nemesis.FaultSpec{{Kind: "pause", Duration: 1500 * time.Millisecond}, {Kind: "pause", Duration: 1500 * time.Millisecond}}, "node pauses of 1.5 s"},
		{[]nemesis.FaultSpec{{Kind: "link-delay", Duration: 8 * time.Second, Delay: 200 * time.Millisecond, Jitter: 50 * time.Millisecond},
			{Kind: "client-loss", Duration: 90 * time.Second, Loss: 0.3}}, "link delays of 200 ms ± 50 ms for 8 s, client link loss of 30% for 1m30s"},
		{[]nemesis.FaultSpec{{Kind: "partition", Shape: "isolate-leader", Duration: 2 * time.Minute}}, "isolate-leader partitions of 2m"},
	} {
		if got := under(tt.faults); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.faults, got, tt.want)
		}
	}
}
