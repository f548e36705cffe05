package netctl

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"golang.org/x/sys/unix"
)

// OriginalDst is where a redirected TCP connection was going before the
// redirect: the SO_ORIGINAL_DST that conntrack keeps for it (for a
// connection that was not redirected, its own local address).
func OriginalDst(c net.Conn) (netip.AddrPort, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return netip.AddrPort{}, fmt.Errorf("original destination of %s: not a socket (%T)", c.RemoteAddr(), c)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("original destination of %s: %w", c.RemoteAddr(), err)
	}
	var (
		dst  netip.AddrPort
		oerr error
	)
	err = raw.Control(func(fd uintptr) {
		// SO_ORIGINAL_DST returns a struct sockaddr_in; IPv6Mreq is the
		// 16-byte struct x/sys/unix can read it into.
		m, err := unix.GetsockoptIPv6Mreq(int(fd), unix.SOL_IP, unix.SO_ORIGINAL_DST)
		if err != nil {
			oerr = err
			return
		}
		b := m.Multiaddr // family (2, host order), port (2, network order), address (4)
		port := binary.BigEndian.Uint16(b[2:4])
		dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[4:8])), port)
	})
	if err == nil {
		err = oerr
	}
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("original destination of %s: SO_ORIGINAL_DST: %w", c.RemoteAddr(), err)
	}
	return dst, nil
}
