package netctl

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/netfault"
)

func TestChooseMethods(t *testing.T) {
	here := Detection{Netem: errors.New("netem qdisc: Specified qdisc kind is unknown")}
	for _, tc := range []struct {
		name    string
		det     Detection
		opts    DelayOptions
		delay   netfault.Method
		noDelay string
	}{
		{"netem where it works", Detection{}, DelayOptions{}, netfault.Netem, ""},
		{"netem needs no proxy flag", Detection{}, DelayOptions{Proxy: true}, netfault.Netem, ""},
		{"proxy here, when asked", here, DelayOptions{Proxy: true}, netfault.Proxy, ""},
		{"no proxy unless asked", here, DelayOptions{}, "", "Specified qdisc kind is unknown"},
		{"proxy forced over netem", Detection{}, DelayOptions{Proxy: true, Delay: netfault.Proxy}, netfault.Proxy, ""},
		{"proxy forced but not asked", Detection{}, DelayOptions{Delay: netfault.Proxy}, "", "not started"},
		{"proxy forced without nat", Detection{Redirect: errors.New("no nat")}, DelayOptions{Proxy: true, Delay: netfault.Proxy}, "", "no nat"},
		{"netem forced", here, DelayOptions{Delay: netfault.Netem}, netfault.Netem, ""},
	} {
		m := chooseMethods(tc.det, tc.opts)
		if m.Delay != tc.delay || !strings.Contains(m.NoDelay, tc.noDelay) || (m.Delay == "") != (m.NoDelay != "") {
			t.Errorf("%s: delay %q (%q), want %q with a reason holding %q", tc.name, m.Delay, m.NoDelay, tc.delay, tc.noDelay)
		}
	}
}

func TestCheckRules(t *testing.T) {
	peers := map[netip.Addr]bool{peer2: true, peer3: true}
	delay := netfault.Effect{Delay: 100 * time.Millisecond}
	rate := netfault.Effect{Rate: 125_000}
	netem := netfault.Methods{Delay: netfault.Netem, Rate: netfault.HTB}
	proxy := netfault.Methods{Delay: netfault.Proxy, Rate: netfault.HTB}
	none := netfault.Methods{NoDelay: "netem: unknown; the proxy was not started", NoRate: "htb: unknown"}
	for _, tc := range []struct {
		name string
		m    netfault.Methods
		r    NodeRules
		want string // "" = applicable
	}{
		{"netem delays out", netem, NodeRules{OutOf: map[netip.Addr]netfault.Effect{peer4: delay}}, ""},
		{"netem leaves into to the senders", netem, NodeRules{Into: map[netip.Addr]netfault.Effect{peer4: delay}}, ""},
		{"proxy delays a peer both ways", proxy, NodeRules{Into: map[netip.Addr]netfault.Effect{peer2: delay}, OutOf: map[netip.Addr]netfault.Effect{peer3: delay}}, ""},
		{"proxy cannot delay a stranger", proxy, NodeRules{OutOf: map[netip.Addr]netfault.Effect{peer4: delay}}, "redirected at start"},
		{"no delay method", none, NodeRules{Into: map[netip.Addr]netfault.Effect{peer2: delay}}, "cannot be applied here (netem: unknown"},
		{"no rate method", none, NodeRules{OutOf: map[netip.Addr]netfault.Effect{peer2: rate}}, "rate cannot be applied here (htb: unknown)"},
		{"a rate into is the sender's", none, NodeRules{Into: map[netip.Addr]netfault.Effect{peer2: rate}}, ""},
		{"drops and loss are nftables'", none, NodeRules{Into: map[netip.Addr]netfault.Effect{peer2: {Drop: true}, peer3: {Loss: 0.2}}}, ""},
		{"invalid", proxy, NodeRules{OutOf: map[netip.Addr]netfault.Effect{peer2: {Loss: 2}}}, "loss"},
	} {
		err := checkRules(tc.m, peers, tc.r)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want an error holding %q", tc.name, err, tc.want)
		}
	}
}
