package netctl

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"time"
)

// Usage is the sidecar's command line, as [Main] takes it.
const Usage = "netctl drop --from IP[,IP...] | clear | show | dial [--timeout D] HOST:PORT"

// Main is what the netctl sidecar runs inside a node's network namespace
// (`chaos netctl ARGS`; args are what follows "netctl"):
//
//	drop --from IP[,IP...]   drop every IPv4 packet from these sources,
//	                         replacing the previous set (empty = clear)
//	clear                    drop nothing: delete the table
//	show                     the sources dropped now, and packets dropped
//	dial [--timeout D] ADDR  open a TCP connection (checks a cut)
//
// It prints one line of what is in effect on stdout and changes only the
// nftables table "inet chaos" of the namespace it runs in.
func Main(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: " + Usage)
	}
	fs := flag.NewFlagSet("netctl "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	from := fs.String("from", "", "comma-separated IPv4 sources to drop")
	timeout := fs.Duration("timeout", time.Second, "give up after this long")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("netctl %s: %w", args[0], err)
	}
	switch args[0] {
	case "drop":
		addrs, err := ParseAddrs(*from)
		if err != nil {
			return fmt.Errorf("netctl drop: %w", err)
		}
		if err := Apply(addrs); err != nil {
			return fmt.Errorf("netctl drop: %w", err)
		}
		fmt.Fprintf(stdout, "dropping from: %s\n", orNone(FormatAddrs(addrs)))
	case "clear":
		if err := Clear(); err != nil {
			return fmt.Errorf("netctl clear: %w", err)
		}
		fmt.Fprintln(stdout, "dropping from: none")
	case "show":
		st, err := Current()
		if err != nil {
			return fmt.Errorf("netctl show: %w", err)
		}
		fmt.Fprintf(stdout, "dropping from: %s\npackets dropped: %d\n", orNone(FormatAddrs(st.Drop)), st.Packets)
	case "dial":
		if fs.NArg() != 1 {
			return errors.New("netctl dial: want one HOST:PORT")
		}
		conn, err := net.DialTimeout("tcp", fs.Arg(0), *timeout)
		if err != nil {
			return fmt.Errorf("netctl dial: %w", err)
		}
		_ = conn.Close()
		fmt.Fprintf(stdout, "connected to %s\n", fs.Arg(0))
	default:
		return fmt.Errorf("unknown netctl command %q (usage: %s)", args[0], Usage)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
