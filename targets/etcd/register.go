package etcd

import (
	"context"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/chaos-election/chaos/targets"
)

// Read modes of the etcd register.
const (
	ReadLinearizable = "linearizable" // a quorum read (etcd's default)
	ReadSerializable = "serializable" // served by the member from its own state
)

// DefaultRegisterPrefix is where the register workload's keys live with
// Root "": under Root+"/register/" in general.
const DefaultRegisterPrefix = DefaultRoot + "/register/"

var _ targets.RegisterTarget = (*Target)(nil)

// ReadModes returns linearizable, serializable.
func (t *Target) ReadModes() []string { return []string{ReadLinearizable, ReadSerializable} }

// Register is a register client of one member.
type Register struct {
	cli          *clientv3.Client
	prefix       string // of every key: the target's register prefix
	serializable bool
}

// NewRegister returns a register client of ep. It does not contact it,
// except to authenticate when the target has credentials.
func (t *Target) NewRegister(ctx context.Context, ep targets.Endpoint, cfg targets.RegisterConfig) (targets.Register, error) {
	mode, err := targets.ResolveReadMode(t, cfg.ReadMode)
	if err != nil {
		return nil, fmt.Errorf("etcd register: %w", err)
	}
	cli, err := t.newClient([]string{ep.Addr}, cfg.Dial)
	if err != nil {
		return nil, fmt.Errorf("etcd register: %w", err)
	}
	return &Register{cli: cli, prefix: t.RegisterPrefix(), serializable: mode == ReadSerializable}, nil
}

// Read gets the key, serializable or linearizable as configured.
func (r *Register) Read(ctx context.Context, key string) ([]byte, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var opts []clientv3.OpOption
	if r.serializable {
		opts = append(opts, clientv3.WithSerializable())
	}
	resp, err := r.cli.Get(ctx, r.prefix+key, opts...)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", key, err)
	}
	if len(resp.Kvs) == 0 {
		return nil, false, nil
	}
	return resp.Kvs[0].Value, true, nil
}

// Write puts the key.
func (r *Register) Write(ctx context.Context, key string, value []byte) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if _, err := r.cli.Put(ctx, r.prefix+key, string(value)); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// CAS is a transaction: if the value is from, put to.
func (r *Register) CAS(ctx context.Context, key string, from, to []byte) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	k := r.prefix + key
	resp, err := r.cli.Txn(ctx).
		If(clientv3.Compare(clientv3.Value(k), "=", string(from))).
		Then(clientv3.OpPut(k, string(to))).
		Commit()
	if err != nil {
		return fmt.Errorf("cas %s: %w", key, err)
	}
	if !resp.Succeeded {
		return fmt.Errorf("cas %s: %w", key, targets.ErrCASFailed)
	}
	return nil
}

// Close closes the client.
func (r *Register) Close() error { return r.cli.Close() }
