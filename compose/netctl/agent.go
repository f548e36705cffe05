package netctl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/chaos-election/chaos/netfault"
)

// AgentPort is the TCP port a node's network agent listens on, at the
// node's address. No backend uses it.
const AgentPort = 17070

// Dial timeouts of OpDial.
const (
	DefaultDialTimeout = time.Second
	maxDialTimeout     = 30 * time.Second
)

// Agent is the long-lived network agent of one node (`chaos netctl
// agent`): it runs in the network namespace the node's container joins,
// and carries out the harness's requests on it ([Request]): apply a
// node's rules, dial a peer, show what is in force. The zero Agent works
// on the namespace it runs in; the fields replace its parts (tests).
type Agent struct {
	// Nftables puts the drops and random loss of the rules in force, in
	// one transaction (nil: [ApplyRules] on the agent's own namespace).
	Nftables func(NodeRules) error
	// Stage is the stage after nftables: it is called with the same rules
	// once Nftables has put them in force, to apply what nftables does
	// not (delays, rates). nil: [Unshaped], which refuses them. When it
	// fails, the apply fails with the nftables part in force.
	Stage func(NodeRules) error
	// Show reads what is in force (nil: [Current]).
	Show func() (State, error)
	// Dial opens a TCP connection to addr and closes it (nil: a
	// net.Dialer's, from the agent's namespace).
	Dial func(ctx context.Context, addr string) error
	// Connect opens the connection a ping goes over (nil: a net.Dialer's,
	// from the agent's namespace).
	Connect func(ctx context.Context, addr string) (net.Conn, error)
	// Methods are how the stage applies delays and rates, as show
	// reports them (the zero Methods: [Unshaped]'s, none).
	Methods netfault.Methods
	Log     *slog.Logger // nil = discard

	mu    sync.Mutex // serializes applies
	rules NodeRules  // what the last successful apply put in force
}

// Rules returns what the last successful apply put in force.
func (a *Agent) Rules() NodeRules {
	a.mu.Lock()
	defer a.mu.Unlock()
	return cloneRules(a.rules)
}

// Serve accepts connections on ln and serves each ([Agent.ServeConn])
// until ctx is done; it closes ln and returns nil then, or the error that
// stopped accepting.
func (a *Agent) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("agent: accept: %w", err)
			}
			a.log().Warn("agent: accept", "err", err)
			time.Sleep(50 * time.Millisecond) // e.g. out of file descriptors: back off
			continue
		}
		wg.Go(func() { a.ServeConn(ctx, conn) })
	}
}

// ServeConn answers the requests of one connection until it ends or ctx
// is done, and closes it. Applies are carried out one at a time, in the
// order they came; dials and shows go on beside them.
func (a *Agent) ServeConn(ctx context.Context, conn net.Conn) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		conn.Close()
	}()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	var wmu sync.Mutex
	reply := func(r Reply) {
		wmu.Lock()
		defer wmu.Unlock()
		if err := WriteLine(conn, r); err != nil && ctx.Err() == nil {
			a.log().Debug("agent: reply", "peer", conn.RemoteAddr(), "seq", r.Seq, "err", err)
		}
	}
	br := bufio.NewReader(conn)
	for {
		var req Request
		err := ReadLine(br, &req)
		var bad *BadLineError
		switch {
		case errors.As(err, &bad):
			reply(Reply{Seq: req.Seq, Error: bad.Error()})
			continue
		case err != nil:
			if ctx.Err() == nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				a.log().Debug("agent: read", "peer", conn.RemoteAddr(), "err", err)
			}
			return
		}
		if req.Op == OpApply {
			reply(a.Handle(ctx, req))
			continue
		}
		wg.Go(func() { reply(a.Handle(ctx, req)) })
	}
}

// Handle carries out one request and returns its reply.
func (a *Agent) Handle(ctx context.Context, req Request) Reply {
	rep := Reply{Seq: req.Seq}
	var err error
	switch req.Op {
	case OpApply:
		var r NodeRules
		if req.Rules != nil {
			r = *req.Rules
		}
		err = a.apply(r)
	case OpDial:
		start := time.Now()
		if err = a.dial(ctx, req.Addr, time.Duration(req.Timeout)); err == nil {
			rep.Took = Duration(time.Since(start))
		}
	case OpShow:
		var st State
		st, err = a.show()
		if err == nil {
			m := a.Methods
			rep.State, rep.Methods = &st, &m
		}
	case OpEcho:
	case OpPing:
		var took time.Duration
		if took, err = a.ping(ctx, req.Addr, req.Size, time.Duration(req.Timeout)); err == nil {
			rep.Took = Duration(took)
		}
	default:
		err = fmt.Errorf("unknown op %q (want %s, %s, %s, %s or %s)", req.Op, OpApply, OpDial, OpShow, OpEcho, OpPing)
	}
	if err != nil {
		rep.Error = err.Error()
	} else {
		rep.OK = true
	}
	return rep
}

// apply puts r in force: nftables first, then the further stage.
func (a *Agent) apply(r NodeRules) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	nft := a.Nftables
	if nft == nil {
		nft = func(r NodeRules) error { return ApplyRules(r) }
	}
	stage := a.Stage
	if stage == nil {
		stage = Unshaped
	}
	start := time.Now()
	if err := nft(r); err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	// The further stage (delays, rates) comes here, after nftables.
	if err := stage(r); err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	a.rules = cloneRules(r)
	a.log().Debug("agent: rules applied", "into", len(r.Into), "out_of", len(r.OutOf), "took", time.Since(start))
	return nil
}

func (a *Agent) dial(ctx context.Context, addr string, timeout time.Duration) error {
	if addr == "" {
		return errors.New("dial: no address")
	}
	if timeout <= 0 {
		timeout = DefaultDialTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, min(timeout, maxDialTimeout))
	defer cancel()
	dial := a.Dial
	if dial == nil {
		dial = dialTCP
	}
	if err := dial(ctx, addr); err != nil {
		return fmt.Errorf("dial %s: %w", addr, err)
	}
	return nil
}

func dialTCP(ctx context.Context, addr string) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return conn.Close()
}

func (a *Agent) show() (State, error) {
	show := a.Show
	if show == nil {
		show = func() (State, error) { return Current() }
	}
	st, err := show()
	if err != nil {
		return State{}, fmt.Errorf("show: %w", err)
	}
	return st, nil
}

func (a *Agent) log() *slog.Logger {
	if a.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Log
}

// cloneRules is a deep copy of r.
func cloneRules(r NodeRules) NodeRules {
	return NodeRules{Into: maps.Clone(r.Into), OutOf: maps.Clone(r.OutOf)}
}

// ping opens a connection to the agent at addr, then times one echo
// request and its reply on it: the round trip of data across the link
// (the connect is not timed: the user-space proxy accepts for its node,
// so the handshake never crosses the delay). The whole ping is bounded by
// timeout. The request carries size bytes of padding.
func (a *Agent) ping(ctx context.Context, addr string, size int, timeout time.Duration) (time.Duration, error) {
	if addr == "" {
		return 0, errors.New("ping: no address")
	}
	if size < 0 || size > MaxPad {
		return 0, fmt.Errorf("ping: size %d: want 0 to %d bytes", size, MaxPad)
	}
	if timeout <= 0 {
		timeout = DefaultDialTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, min(timeout, maxDialTimeout))
	defer cancel()
	connect := a.Connect
	if connect == nil {
		connect = func(ctx context.Context, addr string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", addr)
		}
	}
	conn, err := connect(ctx, addr)
	if err != nil {
		return 0, fmt.Errorf("ping %s: %w", addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	start := time.Now()
	if err := WriteLine(conn, Request{Seq: 1, Op: OpEcho, Pad: strings.Repeat("x", size)}); err != nil {
		return 0, fmt.Errorf("ping %s: %w", addr, err)
	}
	var rep Reply
	if err := ReadLine(bufio.NewReader(conn), &rep); err != nil {
		return 0, fmt.Errorf("ping %s: no echo: %w", addr, err)
	}
	if err := rep.Err(); err != nil {
		return 0, fmt.Errorf("ping %s: %w", addr, err)
	}
	return time.Since(start), nil
}
