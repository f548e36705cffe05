package compose

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/chaos-election/chaos/compose/netctl"
	"github.com/chaos-election/chaos/netfault"
)

// Timeouts of the harness's end of the agents' control channel.
const (
	// agentCallTimeout bounds one request (a dial: on top of its own
	// timeout), unless the context ends earlier.
	agentCallTimeout = 10 * time.Second
	// agentConnectTimeout bounds opening the connection to an agent.
	agentConnectTimeout = 2 * time.Second
	// agentWriteTimeout bounds writing one request.
	agentWriteTimeout = 5 * time.Second
)

// errConnLost marks a request whose connection broke before its reply
// came: it may be sent again on a new connection.
var errConnLost = errors.New("connection to the agent lost")

// dialFunc opens a TCP connection to an agent.
type dialFunc func(ctx context.Context, addr string) (net.Conn, error)

// netDial is the dialFunc of a real engine: the harness reaches every
// node, and so its agent, at its address.
func netDial(ctx context.Context, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: agentConnectTimeout}
	return d.DialContext(ctx, "tcp", addr)
}

// agentClient is the harness's end of one node's network agent: one TCP
// connection of line-delimited JSON ([netctl.Request], [netctl.Reply]),
// opened on first use and again after an error. Requests may be in
// flight together; their replies are matched by sequence number.
type agentClient struct {
	node string // the node the agent serves, for errors
	addr string // IP:17070
	dial dialFunc

	mu      sync.Mutex
	conn    net.Conn                       // nil: not connected
	pending map[uint64]chan<- netctl.Reply // of conn, by seq
	seq     uint64                         // last sequence number sent, over every connection
}

func newAgentClient(node, addr string, dial dialFunc) *agentClient {
	return &agentClient{node: node, addr: addr, dial: dial}
}

// apply puts rules in force on the agent's namespace and returns once the
// agent confirms they are in the kernel.
func (a *agentClient) apply(ctx context.Context, rules netctl.NodeRules) error {
	_, err := a.call(ctx, netctl.Request{Op: netctl.OpApply, Rules: &rules}, agentCallTimeout)
	if err != nil {
		return fmt.Errorf("%s: apply rules: %w", a.node, err)
	}
	return nil
}

// show reads what the agent's namespace has in force.
func (a *agentClient) show(ctx context.Context) (netctl.State, error) {
	rep, err := a.call(ctx, netctl.Request{Op: netctl.OpShow}, agentCallTimeout)
	if err != nil {
		return netctl.State{}, fmt.Errorf("%s: show rules: %w", a.node, err)
	}
	if rep.State == nil {
		return netctl.State{}, nil
	}
	return *rep.State, nil
}

// methods asks the agent how it applies delays and rates.
func (a *agentClient) methods(ctx context.Context) (netfault.Methods, error) {
	rep, err := a.call(ctx, netctl.Request{Op: netctl.OpShow}, agentCallTimeout)
	if err != nil {
		return netfault.Methods{}, fmt.Errorf("%s: show methods: %w", a.node, err)
	}
	if rep.Methods == nil {
		return netfault.Methods{}, nil
	}
	return *rep.Methods, nil
}

// ping times one round trip of data from the agent to the agent at addr
// (another node's), waiting at most timeout.
func (a *agentClient) ping(ctx context.Context, addr string, size int, timeout time.Duration) (time.Duration, error) {
	rep, err := a.call(ctx, netctl.Request{Op: netctl.OpPing, Addr: addr, Size: size, Timeout: netctl.Duration(timeout)}, timeout+agentCallTimeout)
	return time.Duration(rep.Took), err
}

// dialFrom opens a TCP connection to addr from inside the agent's
// namespace, waiting at most timeout for it, and returns how long the
// connect took (as the agent timed it).
func (a *agentClient) dialFrom(ctx context.Context, addr string, timeout time.Duration) (time.Duration, error) {
	rep, err := a.call(ctx, netctl.Request{Op: netctl.OpDial, Addr: addr, Timeout: netctl.Duration(timeout)}, timeout+agentCallTimeout)
	return time.Duration(rep.Took), err
}

// call sends req and waits for its reply, at most timeout. When the
// connection breaks first, it sends req once more on a new one (every op
// may be repeated: an apply replaces the rules whole). A reply that says
// the request failed is an error too.
func (a *agentClient) call(ctx context.Context, req netctl.Request, timeout time.Duration) (netctl.Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var err error
	for range 2 {
		var rep netctl.Reply
		if rep, err = a.roundTrip(ctx, req); err == nil {
			return rep, rep.Err()
		}
		if ctx.Err() != nil || !errors.Is(err, errConnLost) {
			break
		}
	}
	return netctl.Reply{}, err
}

// roundTrip sends req on the connection (opening it if need be) and waits
// for the reply. When ctx ends first the connection is dropped: an agent
// that does not answer in time is not trusted with the next request.
func (a *agentClient) roundTrip(ctx context.Context, req netctl.Request) (netctl.Reply, error) {
	conn, ch, err := a.send(ctx, req)
	if err != nil {
		return netctl.Reply{}, err
	}
	select {
	case rep, ok := <-ch:
		if !ok {
			return netctl.Reply{}, fmt.Errorf("%s: %w", a.addr, errConnLost)
		}
		return rep, nil
	case <-ctx.Done():
		a.drop(conn)
		return netctl.Reply{}, fmt.Errorf("no reply from %s: %w", a.addr, ctx.Err())
	}
}

// send writes req with the next sequence number and returns the
// connection it went on and where its reply will come.
func (a *agentClient) send(ctx context.Context, req netctl.Request) (net.Conn, <-chan netctl.Reply, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.conn == nil {
		cctx, cancel := context.WithTimeout(ctx, agentConnectTimeout)
		conn, err := a.dial(cctx, a.addr)
		cancel()
		if err != nil {
			return nil, nil, fmt.Errorf("connect to %s: %w", a.addr, err)
		}
		a.conn, a.pending = conn, map[uint64]chan<- netctl.Reply{}
		go a.readLoop(conn)
	}
	conn := a.conn
	a.seq++
	req.Seq = a.seq
	ch := make(chan netctl.Reply, 1)
	a.pending[req.Seq] = ch
	_ = conn.SetWriteDeadline(time.Now().Add(agentWriteTimeout))
	if err := netctl.WriteLine(conn, req); err != nil {
		a.dropLocked(conn)
		return nil, nil, fmt.Errorf("send to %s: %w (%w)", a.addr, errConnLost, err)
	}
	return conn, ch, nil
}

// readLoop hands each reply on conn to its request, until conn ends.
func (a *agentClient) readLoop(conn net.Conn) {
	br := bufio.NewReader(conn)
	for {
		var rep netctl.Reply
		err := netctl.ReadLine(br, &rep)
		var bad *netctl.BadLineError
		if errors.As(err, &bad) {
			continue // not a reply of ours; its request times out
		}
		if err != nil {
			a.drop(conn)
			return
		}
		a.mu.Lock()
		var ch chan<- netctl.Reply
		if a.conn == conn {
			ch = a.pending[rep.Seq]
			delete(a.pending, rep.Seq)
		}
		a.mu.Unlock()
		if ch != nil {
			ch <- rep // buffered: never blocks
		}
	}
}

// drop closes conn; if it is the current connection, its requests in
// flight fail with errConnLost and the next request reconnects.
func (a *agentClient) drop(conn net.Conn) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.dropLocked(conn)
}

func (a *agentClient) dropLocked(conn net.Conn) {
	_ = conn.Close()
	if a.conn != conn {
		return
	}
	for _, ch := range a.pending {
		close(ch)
	}
	a.conn, a.pending = nil, nil
}

// close drops the connection, if any.
func (a *agentClient) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.conn != nil {
		a.dropLocked(a.conn)
	}
}
