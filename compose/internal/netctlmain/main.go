// Command netctlmain is a stand-in for the chaos binary in the netctl
// image, for compose's Docker tests while cmd/chaos cannot be built: it
// understands only `netctl drop --from IPs`, `netctl clear` and
// `netctl show` and `netctl dial ADDR`, exactly as `chaos netctl` does (cmd/chaos/netctl.go).
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/chaos-election/chaos/compose/netctl"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "netctl:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 2 || args[0] != "netctl" {
		return fmt.Errorf("usage: netctl drop --from IP,... | clear | show | dial [--timeout D] HOST:PORT")
	}
	switch args[1] {
	case "drop":
		fs := flag.NewFlagSet("drop", flag.ContinueOnError)
		from := fs.String("from", "", "comma-separated IPv4 sources")
		if err := fs.Parse(args[2:]); err != nil {
			return err
		}
		addrs, err := netctl.ParseAddrs(*from)
		if err != nil {
			return err
		}
		if err := netctl.Apply(addrs); err != nil {
			return err
		}
		fmt.Println("dropping from:", orNone(netctl.FormatAddrs(addrs)))
	case "clear":
		if err := netctl.Clear(); err != nil {
			return err
		}
		fmt.Println("dropping from: none")
	case "show":
		st, err := netctl.Current()
		if err != nil {
			return err
		}
		fmt.Printf("dropping from: %s\npackets dropped: %d\n", orNone(netctl.FormatAddrs(st.Drop)), st.Packets)
	case "dial":
		fs := flag.NewFlagSet("dial", flag.ContinueOnError)
		timeout := fs.Duration("timeout", time.Second, "give up after this long")
		if err := fs.Parse(args[2:]); err != nil {
			return err
		}
		conn, err := net.DialTimeout("tcp", fs.Arg(0), *timeout)
		if err != nil {
			return err
		}
		_ = conn.Close()
		fmt.Println("connected to", fs.Arg(0))
	default:
		return fmt.Errorf("unknown netctl command %q", args[1])
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
