//go:build docker

package netctl

import (
	"testing"

	"github.com/chaos-election/chaos/netfault"
	"github.com/vishvananda/netlink"
)

// Detection in a fresh namespace: htb works here, netem does not (this
// kernel has no sch_netem), and the reason is the kernel's own words.
// On a kernel with netem the test checks that it is chosen instead.
func TestDetectInNetns(t *testing.T) {
	h := newTwoHosts(t)
	d := DetectIn(h.node.h)
	m := d.Methods()
	t.Logf("detection: netem %v; htb %v; redirect %v", d.Netem, d.HTB, d.Redirect)
	t.Logf("methods: %+v", m)
	if d.HTB != nil || m.Rate != netfault.HTB {
		t.Errorf("htb: %v (rate %q), want it to work", d.HTB, m.Rate)
	}
	if d.Redirect != nil {
		t.Errorf("redirect: %v, want it to work", d.Redirect)
	}
	if d.Netem == nil {
		if m.Delay != netfault.Netem {
			t.Errorf("netem works but delay is %q", m.Delay)
		}
	} else if m.Delay != netfault.Proxy {
		t.Errorf("no netem (%v) but delay is %q, want the proxy", d.Netem, m.Delay)
	}
	// The probes left nothing behind.
	err := h.node.do(func() error {
		if _, err := netlink.LinkByName(probeLinkName); err == nil {
			t.Errorf("the probe link %s is still there", probeLinkName)
		}
		lo, err := netlink.LinkByName("lo")
		if err != nil {
			return err
		}
		if root, err := egressRootOf(lo); err != nil || root != nil {
			t.Errorf("lo's root after the probe: %v, %v", root, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := DetectIn(h.node.h); got.Methods() != m {
		t.Errorf("a second detection says %+v, the first %+v", got.Methods(), m)
	}
}
