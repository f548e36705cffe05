package netctl

import (
	"context"
	"fmt"
	"net"
	"runtime"

	"github.com/vishvananda/netns"
)

// netNS runs code inside one network namespace: the caller's own (h <= 0,
// which is what the agent uses, being in the node's namespace already) or
// the one h is a handle of (tests, or a process outside the namespace).
// Sockets and netlink requests made inside stay in that namespace
// whichever thread later uses them.
type netNS struct{ h netns.NsHandle }

// own says whether the namespace is the caller's.
func (n netNS) own() bool { return n.h <= 0 }

// do runs fn inside the namespace. For another namespace it runs on a
// thread of its own, switched there and back; a thread that cannot be
// switched back is dropped, never reused.
func (n netNS) do(fn func() error) error {
	if n.own() {
		return fn()
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("get the thread's network namespace: %w", err)
			return
		}
		defer orig.Close()
		if err := netns.Set(n.h); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("enter network namespace %v: %w", n.h, err)
			return
		}
		ferr := fn()
		if err := netns.Set(orig); err == nil {
			runtime.UnlockOSThread()
		} // else the goroutine ends locked and the runtime drops the thread
		errc <- ferr
	}()
	return <-errc
}

// listen opens a TCP listener inside the namespace.
func (n netNS) listen(ctx context.Context, address string) (net.Listener, error) {
	var ln net.Listener
	err := n.do(func() error {
		var lc net.ListenConfig
		var err error
		ln, err = lc.Listen(ctx, "tcp4", address)
		return err
	})
	return ln, err
}

// dial opens a TCP connection from inside the namespace.
func (n netNS) dial(ctx context.Context, network, address string) (net.Conn, error) {
	var c net.Conn
	err := n.do(func() error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, network, address)
		return err
	})
	return c, err
}
