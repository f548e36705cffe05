package compose

import (
	"context"
	"errors"
	"maps"
	"net"
	"net/netip"
	"slices"
	"sync"
	"syscall"

	"github.com/chaos-election/chaos/compose/netctl"
)

// fakeAgent is the process of a network agent container of the fake
// engine: the real netctl.Agent, over a fakeKernel instead of nftables,
// served on in-memory connections (DialAgent).
type fakeAgent struct {
	// owner is the container whose network namespace the agent is in (its
	// own container, or the one it joined), ownerStarts how many times
	// that one had started then: a later start is a new namespace.
	owner       *fakeCtr
	ownerStarts int
	listen      string
	agent       *netctl.Agent
	kernel      *fakeKernel
	ctx         context.Context
	cancel      context.CancelFunc
}

// stop ends the agent's process: its connections close and its
// namespace, rules included, is gone.
func (a *fakeAgent) stop() {
	a.kernel.mu.Lock()
	a.kernel.gone = true
	a.kernel.mu.Unlock()
	a.cancel()
}

// fakeKernel is the nftables of an agent's network namespace: the rules
// last applied, how many applies there were, and a failure to inject.
type fakeKernel struct {
	mu      sync.Mutex
	rules   netctl.NodeRules
	applies int
	fail    error
	gone    bool     // the agent's process ended
	dials   []string // the addresses dialled from the namespace
}

// dial records addr; it connects unless the namespace drops addr's node.
func (k *fakeKernel) dial(_ context.Context, addr string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.dials = append(k.dials, addr)
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return err
	}
	if k.rules.Into[ap.Addr()].Drop {
		return errors.New("i/o timeout")
	}
	return nil
}

func (k *fakeKernel) apply(r netctl.NodeRules) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gone {
		return errors.New("the agent's process ended")
	}
	if k.fail != nil {
		return k.fail
	}
	if _, err := netctl.BuildInput(r); err != nil { // what the real one would refuse
		return err
	}
	k.rules = netctl.NodeRules{Into: maps.Clone(r.Into), OutOf: maps.Clone(r.OutOf)}
	k.applies++
	return nil
}

func (k *fakeKernel) get() netctl.NodeRules {
	k.mu.Lock()
	defer k.mu.Unlock()
	return netctl.NodeRules{Into: maps.Clone(k.rules.Into), OutOf: maps.Clone(k.rules.OutOf)}
}

func (k *fakeKernel) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.applies
}

func (k *fakeKernel) setFail(err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.fail = err
}

// show is what `netctl show` would read: the drop sources and one loss
// per probability (no packets in the fake).
func (k *fakeKernel) show() (netctl.State, error) {
	r := k.get()
	var st netctl.State
	loss := map[float64][]netip.Addr{}
	for a, e := range r.Into {
		switch {
		case e.Drop:
			st.Drop = append(st.Drop, a)
		case e.Loss > 0:
			p := float64(netctl.LossPPM(e.Loss)) / 1e6
			loss[p] = append(loss[p], a)
		}
	}
	slices.SortFunc(st.Drop, netip.Addr.Compare)
	for _, p := range slices.Sorted(maps.Keys(loss)) {
		from := loss[p]
		slices.SortFunc(from, netip.Addr.Compare)
		st.Loss = append(st.Loss, netctl.LossState{P: p, From: from})
	}
	return st, nil
}

// reachable says whether the agent's namespace is still its owner's
// current one (so the harness reaches it at the owner's address). f.mu is
// held.
func (a *fakeAgent) reachable() bool {
	return a.owner.Running && a.owner.Starts == a.ownerStarts
}

// startFakeAgent starts the agent process of container c (`netctl agent
// --listen ADDR`), in owner's network namespace. f.mu is held.
func startFakeAgent(f *fakeDocker, c, owner *fakeCtr) *fakeAgent {
	listen := ""
	if i := slices.Index(c.Config.Cmd, "--listen"); i >= 0 && i+1 < len(c.Config.Cmd) {
		listen = c.Config.Cmd[i+1]
	}
	k := &fakeKernel{}
	ctx, cancel := context.WithCancel(context.Background())
	return &fakeAgent{owner: owner, ownerStarts: owner.Starts, listen: listen, kernel: k, ctx: ctx, cancel: cancel, agent: &netctl.Agent{
		Nftables: k.apply,
		Show:     k.show,
		Dial:     k.dial,
		// A ping's connection: dropped as a dial is, else to the agent there.
		Connect: func(ctx context.Context, addr string) (net.Conn, error) {
			if err := k.dial(ctx, addr); err != nil {
				return nil, err
			}
			return f.DialAgent(ctx, addr)
		},
	}}
}

// DialAgent connects to the agent listening at addr, as the harness's
// TCP connection would: refused when no running agent listens there.
func (f *fakeDocker) DialAgent(_ context.Context, addr string) (net.Conn, error) {
	f.mu.Lock()
	f.call("DialAgent %s", addr)
	var a *fakeAgent
	for _, c := range f.containers {
		if c.agent != nil && c.agent.listen == addr && c.agent.reachable() {
			a = c.agent
		}
	}
	f.mu.Unlock()
	if a == nil {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	harness, agent := net.Pipe()
	go a.agent.ServeConn(a.ctx, agent)
	return harness, nil
}
