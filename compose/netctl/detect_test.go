package netctl

import (
	"errors"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/netfault"
)

func TestDetectionMethods(t *testing.T) {
	noNetem := errors.New("netem qdisc: no such file or directory: Specified qdisc kind is unknown")
	noHTB := errors.New("htb qdisc: not supported")
	noNAT := errors.New("nftables nat redirect: not supported")
	// The reasons are the probes' errors as they are.
	for _, tc := range []struct {
		name      string
		d         Detection
		delay     netfault.Method
		rate      netfault.Method
		noDelay   []string // words the reason must hold
		noRateHas string
	}{
		{"everything", Detection{}, netfault.Netem, netfault.HTB, nil, ""},
		{"no netem (here)", Detection{Netem: noNetem}, netfault.Proxy, netfault.HTB, nil, ""},
		{"netem without htb", Detection{HTB: noHTB}, netfault.Proxy, "", nil, "not supported"},
		{"nothing", Detection{Netem: noNetem, HTB: noHTB, Redirect: noNAT}, "", "",
			[]string{"Specified qdisc kind is unknown", "nat redirect"}, "htb"},
		{"netem, htb missing, no nat", Detection{HTB: noHTB, Redirect: noNAT}, "", "",
			[]string{"netem needs htb", "nat redirect"}, "htb"},
	} {
		m := tc.d.Methods()
		if m.Delay != tc.delay || m.Rate != tc.rate {
			t.Errorf("%s: delay %q rate %q, want %q and %q", tc.name, m.Delay, m.Rate, tc.delay, tc.rate)
		}
		if (m.Delay == "") != (m.NoDelay != "") || (m.Rate == "") != (m.NoRate != "") {
			t.Errorf("%s: a reason must come exactly with a missing method: %+v", tc.name, m)
		}
		for _, w := range tc.noDelay {
			if !strings.Contains(m.NoDelay, w) {
				t.Errorf("%s: NoDelay %q lacks %q", tc.name, m.NoDelay, w)
			}
		}
		if !strings.Contains(m.NoRate, tc.noRateHas) {
			t.Errorf("%s: NoRate %q lacks %q", tc.name, m.NoRate, tc.noRateHas)
		}
	}
}
