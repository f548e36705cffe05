package consul

import (
	"bytes"
	"context"
	"fmt"

	"github.com/hashicorp/consul/api"

	"github.com/chaos-election/chaos/targets"
)

// Read modes of the Consul register (Consul's consistency modes).
const (
	ReadDefault    = "default"    // the leader answers from its state, without checking it still leads
	ReadConsistent = "consistent" // the leader confirms its leadership with a quorum first
	ReadStale      = "stale"      // any server answers from its own state
)

// DefaultRegisterPrefix is where the register workload's keys live with
// Root "": under Root+"/register/" in general.
const DefaultRegisterPrefix = DefaultRoot + "/register/"

var _ targets.RegisterTarget = (*Target)(nil)

// ReadModes returns default, consistent, stale.
func (t *Target) ReadModes() []string { return []string{ReadDefault, ReadConsistent, ReadStale} }

// Register is a register client of one agent.
type Register struct {
	cli    *api.Client
	prefix string // of every key: the target's register prefix
	mode   string
}

// NewRegister returns a register client of ep. It does not contact it.
func (t *Target) NewRegister(ctx context.Context, ep targets.Endpoint, cfg targets.RegisterConfig) (targets.Register, error) {
	mode, err := targets.ResolveReadMode(t, cfg.ReadMode)
	if err != nil {
		return nil, fmt.Errorf("consul register: %w", err)
	}
	cli, err := t.newClient(ep.Addr, cfg.Dial)
	if err != nil {
		return nil, fmt.Errorf("consul register: %w", err)
	}
	return &Register{cli: cli, prefix: t.RegisterPrefix(), mode: mode}, nil
}

// Read gets the key in the configured consistency mode.
func (r *Register) Read(ctx context.Context, key string) ([]byte, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	q := &api.QueryOptions{RequireConsistent: r.mode == ReadConsistent, AllowStale: r.mode == ReadStale}
	pair, _, err := r.cli.KV().Get(r.prefix+key, q.WithContext(ctx))
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", key, err)
	}
	if pair == nil {
		return nil, false, nil
	}
	return pair.Value, true, nil
}

// Write puts the key.
func (r *Register) Write(ctx context.Context, key string, value []byte) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if _, err := r.cli.KV().Put(&api.KVPair{Key: r.prefix + key, Value: value}, writeCtx(ctx)); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// CAS reads the key (consistent) and writes it with check-and-set on the
// index read if its value is from; a newer index in between means another
// write came first, and it reads again.
func (r *Register) CAS(ctx context.Context, key string, from, to []byte) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	k := r.prefix + key
	for {
		pair, _, err := r.cli.KV().Get(k, queryCtx(ctx))
		if err != nil {
			return fmt.Errorf("cas %s: %w", key, err)
		}
		if pair == nil || !bytes.Equal(pair.Value, from) {
			return fmt.Errorf("cas %s: %w", key, targets.ErrCASFailed)
		}
		ok, _, err := r.cli.KV().CAS(&api.KVPair{Key: k, Value: to, ModifyIndex: pair.ModifyIndex}, writeCtx(ctx))
		if err != nil {
			return fmt.Errorf("cas %s: %w", key, err)
		}
		if ok {
			return nil
		}
	}
}

// Close releases nothing: the client holds only idle connections.
func (r *Register) Close() error { return nil }
