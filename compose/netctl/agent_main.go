package netctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// listenTimeout bounds the wait for the listen address to exist in the
// namespace (it is the node's address, there before the agent starts).
const listenTimeout = 10 * time.Second

// agentOptions are `netctl agent`'s flags.
type agentOptions struct {
	listen    string       // the agent's TCP address: the node's, at AgentPort
	peers     []netip.Addr // the other nodes' addresses
	peerProxy bool         // redirect the peers' TCP through the proxy where delays need it
	seed      uint64       // the proxy's random source (jitter)
}

// runAgent is `netctl agent`: set up the delay stage (before the node
// starts: the peers' TCP must pass the proxy from its first connection),
// listen and serve until SIGTERM or SIGINT, logging to out.
func runAgent(o agentOptions, out io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(out, nil))
	ln, err := listenRetry(ctx, o.listen)
	if err != nil {
		return err
	}
	node, err := netip.ParseAddrPort(ln.Addr().String())
	if err != nil {
		return fmt.Errorf("listen address: %w", err)
	}
	self := node.Addr().Unmap()
	if self.IsUnspecified() { // listening on every address: the stage finds the node's
		self = netip.Addr{}
	}
	ag := &Agent{Log: log}
	if len(o.peers) > 0 {
		stage, err := NewDelayStage(ctx, DelayOptions{Node: self, Peers: o.peers, Proxy: o.peerProxy, Seed: o.seed, Log: log})
		if err != nil {
			return err
		}
		defer stage.Close()
		ag.Stage, ag.Methods = stage.Apply, stage.Methods()
	}
	log.Info("agent listening", "addr", ln.Addr().String(), "peers", len(o.peers), "delay", ag.Methods.Delay, "rate", ag.Methods.Rate)
	return ag.Serve(ctx, ln)
}

// listenRetry listens on addr, retrying while the address is not (yet)
// one of the namespace's.
func listenRetry(ctx context.Context, addr string) (net.Listener, error) {
	deadline := time.Now().Add(listenTimeout)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			return ln, nil
		}
		if !errors.Is(err, syscall.EADDRNOTAVAIL) || time.Now().After(deadline) {
			return nil, fmt.Errorf("listen: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("listen: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
