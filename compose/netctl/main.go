package netctl

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// Usage is the command line of `chaos netctl`, as [Main] takes it.
const Usage = "netctl drop --from IP[,IP...] | clear | show | dial [--timeout D] HOST:PORT | agent [--listen ADDR] [--peers IP,...] [--peer-proxy] [--seed N] | relay [--timeout D] HOST:PORT"

// Main is what `chaos netctl` runs inside a node's network namespace
// (`chaos netctl ARGS`; args are what follows "netctl"):
//
//	drop --from IP[,IP...]   drop every IPv4 packet from these sources,
//	                         replacing the previous set (empty = clear)
//	clear                    drop nothing: delete the table
//	show                     the sources dropped now, and packets dropped
//	dial [--timeout D] ADDR  open a TCP connection (checks a cut)
//	agent [--listen ADDR]    the node's network agent: serve the harness's
//	                         requests on ADDR (default :17070) until
//	                         SIGTERM or SIGINT (see [Agent])
//	relay ADDR               join stdin and stdout to a TCP connection to
//	                         ADDR: how the harness reaches an agent
//	                         through `docker exec` ([Relay])
//
// The one-shot commands print what is in effect on stdout; the agent
// logs there. All change only the nftables table "inet chaos" of the
// namespace they run in.
func Main(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: " + Usage)
	}
	fs := flag.NewFlagSet("netctl "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	from := fs.String("from", "", "comma-separated IPv4 sources to drop")
	timeout := fs.Duration("timeout", time.Second, "give up after this long")
	listen := fs.String("listen", fmt.Sprintf(":%d", AgentPort), "the agent's TCP address")
	peers := fs.String("peers", "", "the agent: the other nodes' IPv4 addresses (comma-separated), for the delay stage")
	peerProxy := fs.Bool("peer-proxy", false, "the agent: redirect the peers' TCP through its proxy where delays need it (no netem)")
	seed := fs.Uint64("seed", 1, "the agent: the proxy's random source (jitter)")
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
		for _, l := range st.Loss {
			fmt.Fprintf(stdout, "loss %g from: %s (seen %d, dropped %d)\n", l.P, FormatAddrs(l.From), l.Seen, l.Dropped)
		}
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
	case "relay":
		if fs.NArg() != 1 {
			return errors.New("netctl relay: want one HOST:PORT")
		}
		if err := Relay(context.Background(), fs.Arg(0), os.Stdin, stdout, *timeout); err != nil {
			return fmt.Errorf("netctl relay: %w", err)
		}
	case "agent":
		ps, err := ParseAddrs(*peers)
		if err != nil {
			return fmt.Errorf("netctl agent: --peers: %w", err)
		}
		if err := runAgent(agentOptions{listen: *listen, peers: ps, peerProxy: *peerProxy, seed: *seed}, stdout); err != nil {
			return fmt.Errorf("netctl agent: %w", err)
		}
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
