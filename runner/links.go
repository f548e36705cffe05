package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"

	"github.com/chaos-election/chaos/linkproxy"
	"github.com/chaos-election/chaos/targets"
)

// links are the harness's own proxies, one per node's clients in front of
// what they dial (the node; on target kubernetes, the candidate's API
// server), through which the node's candidates and register clients talk
// when the plan has link faults. The observer and the health probes dial
// directly. They are the nemesis's Links.
type links struct {
	byNode map[string]*linkproxy.Proxy
}

// startLinks starts one proxy per endpoint, each with a seed drawn from
// the run's random source.
func startLinks(ctx context.Context, eps []targets.Endpoint, rng *rand.Rand, log *slog.Logger) (*links, error) {
	l := &links{byNode: map[string]*linkproxy.Proxy{}}
	for _, ep := range eps {
		p, err := linkproxy.Listen(ctx, ep.Addr, linkproxy.Options{Seed: rng.Uint64(), Log: log.With("node", ep.Node)})
		if err != nil {
			return nil, errors.Join(fmt.Errorf("link proxy for %s: %w", ep.Node, err), l.Close())
		}
		l.byNode[ep.Node] = p
	}
	log.Info("link proxies in front of the nodes", "nodes", len(eps))
	return l, nil
}

// SetLink replaces the faults on node's link.
func (l *links) SetLink(node string, f linkproxy.Faults) error {
	p, ok := l.byNode[node]
	if !ok {
		return fmt.Errorf("no link proxy for node %q", node)
	}
	return p.Set(f)
}

// Dial is the dialer of node's clients: every connection goes to the
// node's proxy instead (the address the client asked for is the node's,
// so TLS still verifies the node's name).
func (l *links) Dial(node string) targets.Dialer {
	p := l.byNode[node]
	return func(ctx context.Context, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", p.Addr())
	}
}

// Close stops every proxy.
func (l *links) Close() error {
	var errs []error
	for _, p := range l.byNode {
		errs = append(errs, p.Close())
	}
	return errors.Join(errs...)
}
