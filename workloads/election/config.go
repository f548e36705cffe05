package election

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/targets"
)

// Defaults of [Config].
const (
	DefaultWriteEvery = 50 * time.Millisecond
	DefaultTTL        = 3 * time.Second
	DefaultResource   = ResourceToken
)

// Resource modes.
const (
	ResourceNone    = "none"    // accepts every write
	ResourceToken   = "token"   // rejects tokens lower than the highest accepted
	ResourceBackend = "backend" // the backend's fenced write
)

// Timing of the candidate loops.
const (
	campaignBackoff = 100 * time.Millisecond // after a failed campaign
	retryBackoff    = 250 * time.Millisecond // after a candidate could not be made, or retired
	resignTimeout   = 3 * time.Second        // resigning when the workload stops
)

// Config configures the workload.
type Config struct {
	Target    targets.Target
	Endpoints []targets.Endpoint // one candidate per endpoint, each talking only to its own node
	// Dial, when set, gives the base dialer of a node's candidates (under
	// the freeze): the run routes them through its link proxy. The
	// observer always dials the nodes directly, so that link faults do
	// not blind the backend's own view of the leader.
	Dial       func(node string) targets.Dialer
	Resource   string        // "none" | "token" | "backend" ("" = "token")
	TTL        time.Duration // session / lease TTL (0 = 3s)
	WriteEvery time.Duration // 0 = 50ms
	Rec        *history.Writer
	Log        *slog.Logger // nil = discard
}

// Stats are the workload's running figures.
type Stats struct {
	Ops       int64  // ops recorded by the workload
	Leader    string // node the observer sees leading, "" for none
	Elections int    // campaigns that succeeded
}

// withDefaults fills zero values and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Resource == "" {
		c.Resource = DefaultResource
	}
	if c.TTL == 0 {
		c.TTL = DefaultTTL
	}
	if c.WriteEvery == 0 {
		c.WriteEvery = DefaultWriteEvery
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	var errs []error
	if c.Target == nil {
		errs = append(errs, errors.New("target: nil"))
	}
	if c.Rec == nil {
		errs = append(errs, errors.New("rec: nil"))
	}
	if len(c.Endpoints) == 0 {
		errs = append(errs, errors.New("endpoints: none"))
	}
	seen := map[string]bool{}
	for _, ep := range c.Endpoints {
		if ep.Node == "" || seen[ep.Node] {
			errs = append(errs, fmt.Errorf("endpoints: node name %q empty or repeated", ep.Node))
		}
		seen[ep.Node] = true
	}
	switch c.Resource {
	case ResourceNone, ResourceToken, ResourceBackend:
	default:
		errs = append(errs, fmt.Errorf("resource: %q (want none, token or backend)", c.Resource))
	}
	if c.TTL < 0 || c.WriteEvery < 0 {
		errs = append(errs, fmt.Errorf("ttl %v / write every %v: negative", c.TTL, c.WriteEvery))
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("election workload: %w", err)
	}
	return c, nil
}

// baseDialer is node's dialer under the freeze: Dial's, or plain TCP.
func (c Config) baseDialer(node string) targets.Dialer {
	if c.Dial == nil {
		return nil
	}
	return c.Dial(node)
}
