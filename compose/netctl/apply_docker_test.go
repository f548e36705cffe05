//go:build docker

package netctl

import (
	"net"
	"net/netip"
	"os"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/chaos-election/chaos/netfault"
)

// inNewNetns runs fn on a thread (not the test's goroutine: fn must use
// t.Errorf and return, never t.Fatal) inside a fresh network namespace, with
// lo up and carrying 10.99.0.1 and 10.99.0.2, and returns the namespace's
// handle to fn so nftables can be pointed at it.
func inNewNetns(t *testing.T, fn func(ns netns.NsHandle)) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("netctl integration tests need root (CAP_NET_ADMIN) to create a network namespace")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread() // the thread is dropped, not reused, when it exits locked
		orig, err := netns.Get()
		if err != nil {
			t.Errorf("get netns: %v", err)
			return
		}
		defer orig.Close()
		ns, err := netns.New()
		if err != nil {
			t.Errorf("new netns: %v", err)
			return
		}
		defer ns.Close()
		lo, err := netlink.LinkByName("lo")
		if err == nil {
			err = netlink.LinkSetUp(lo)
		}
		for _, a := range []string{"10.99.0.1/32", "10.99.0.2/32"} {
			if err == nil {
				addr, _ := netlink.ParseAddr(a)
				err = netlink.AddrAdd(lo, addr)
			}
		}
		if err != nil {
			t.Errorf("set up lo: %v", err)
			return
		}
		fn(ns)
	}()
	<-done
}

// reach reports whether a UDP datagram from src reaches a listener on dst.
// It runs on the namespace's thread, so it reports failures with Errorf.
func reach(t *testing.T, src, dst string) bool {
	t.Helper()
	l, err := net.ListenPacket("udp4", dst+":0")
	if err != nil {
		t.Errorf("listen: %v", err)
		return false
	}
	defer l.Close()
	c, err := net.DialUDP("udp4", &net.UDPAddr{IP: net.ParseIP(src)}, l.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Errorf("dial: %v", err)
		return false
	}
	defer c.Close()
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Errorf("write: %v", err)
		return false
	}
	_ = l.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	buf := make([]byte, 8)
	_, _, err = l.ReadFrom(buf)
	return err == nil
}

func TestApplyInNetns(t *testing.T) {
	inNewNetns(t, func(ns netns.NsHandle) {
		opt := nftables.WithNetNSFd(int(ns))
		if !reach(t, "10.99.0.2", "10.99.0.1") {
			t.Error("before any rule: 10.99.0.2 cannot reach 10.99.0.1")
			return
		}
		drop := []netip.Addr{netip.MustParseAddr("10.99.0.2")}
		for i := 0; i < 2; i++ { // idempotent
			if err := Apply(drop, opt); err != nil {
				t.Errorf("Apply #%d: %v", i+1, err)
				return
			}
		}
		st, err := Current(opt)
		if err != nil {
			t.Error(err)
			return
		}
		if !reflect.DeepEqual(st.Drop, drop) {
			t.Errorf("Current = %v, want %v", st.Drop, drop)
			return
		}
		if reach(t, "10.99.0.2", "10.99.0.1") {
			t.Error("after Apply: 10.99.0.2 still reaches 10.99.0.1")
			return
		}
		if !reach(t, "10.99.0.1", "10.99.0.1") {
			t.Error("after Apply: 10.99.0.1 (not in the set) no longer reaches itself")
			return
		}
		if st, _ := Current(opt); st.Packets == 0 {
			t.Error("drop counter is 0 after a dropped datagram")
		}
		// Replace with another set: .2 is let through again.
		if err := Apply([]netip.Addr{netip.MustParseAddr("10.99.0.9")}, opt); err != nil {
			t.Error(err)
			return
		}
		if !reach(t, "10.99.0.2", "10.99.0.1") {
			t.Error("after replacing the set: 10.99.0.2 still dropped")
			return
		}
		for i := 0; i < 2; i++ {
			if err := Clear(opt); err != nil {
				t.Errorf("Clear #%d: %v", i+1, err)
				return
			}
		}
		if st, err := Current(opt); err != nil || len(st.Drop) != 0 {
			t.Errorf("after Clear: Current = %+v, %v; want empty", st, err)
			return
		}
	})
}

// A loss of 0.5 drops about half the datagrams, and its counters say so;
// a drop of another source in the same table still drops everything.
func TestApplyRulesLossInNetns(t *testing.T) {
	inNewNetns(t, func(ns netns.NsHandle) {
		opt := nftables.WithNetNSFd(int(ns))
		src := netip.MustParseAddr("10.99.0.2")
		rules := NodeRules{Into: map[netip.Addr]netfault.Effect{src: {Loss: 0.5}, netip.MustParseAddr("10.99.0.3"): {Drop: true}}}
		if err := ApplyRules(rules, opt); err != nil {
			t.Errorf("ApplyRules: %v", err)
			return
		}
		l, err := net.ListenPacket("udp4", "10.99.0.1:0")
		if err != nil {
			t.Errorf("listen: %v", err)
			return
		}
		defer l.Close()
		c, err := net.DialUDP("udp4", &net.UDPAddr{IP: src.AsSlice()}, l.LocalAddr().(*net.UDPAddr))
		if err != nil {
			t.Errorf("dial: %v", err)
			return
		}
		defer c.Close()
		// Read as they come (a socket opened in the namespace stays
		// there, whatever thread reads it), so the receive buffer never
		// overflows; write at a pace the reader keeps up with.
		const sent = 2000
		arrived := make(chan int)
		go func() {
			got := 0
			buf := make([]byte, 8)
			for {
				_ = l.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
				if _, _, err := l.ReadFrom(buf); err != nil {
					arrived <- got
					return
				}
				got++
			}
		}()
		for i := range sent {
			if _, err := c.Write([]byte("ping")); err != nil {
				t.Errorf("write: %v", err)
				return
			}
			if i%50 == 49 {
				time.Sleep(time.Millisecond)
			}
		}
		got := <-arrived
		st, err := Current(opt)
		if err != nil {
			t.Error(err)
			return
		}
		if len(st.Loss) != 1 || st.Loss[0].P != 0.5 || st.Loss[0].From[0] != src || FormatAddrs(st.Drop) != "10.99.0.3" {
			t.Errorf("Current = %+v", st)
			return
		}
		ls := st.Loss[0]
		t.Logf("loss 0.5: %d of %d datagrams arrived; counters seen %d dropped %d", got, sent, ls.Seen, ls.Dropped)
		if got < sent*4/10 || got > sent*6/10 {
			t.Errorf("%d of %d datagrams arrived through a loss of 0.5", got, sent)
		}
		if ls.Seen != sent || ls.Dropped != uint64(sent-got) {
			t.Errorf("counters seen %d dropped %d, want %d and %d", ls.Seen, ls.Dropped, sent, sent-got)
		}
		if err := ApplyRules(NodeRules{}, opt); err != nil {
			t.Error(err)
			return
		}
		if st, err := Current(opt); err != nil || len(st.Drop)+len(st.Loss) != 0 {
			t.Errorf("after ApplyRules of nothing: %+v, %v", st, err)
		}
	})
}
