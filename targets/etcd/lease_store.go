package etcd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

var _ lease.Target = (*Target)(nil)

// LeaseStore is a [lease.Store] on one member: the record and the epoch
// are two keys, written together by a takeover; the token is the epoch
// key's mod revision.
type LeaseStore struct {
	cli                     *clientv3.Client
	record, epoch, resource string
	process                 string
	log                     *slog.Logger
}

var _ lease.Store = (*LeaseStore)(nil)

// NewLeaseStore returns a lease store of the member at ep, dialing
// through cfg.Dial as a candidate does. It does not contact the member,
// except to authenticate when the target has credentials.
func (t *Target) NewLeaseStore(ctx context.Context, ep targets.Endpoint, cfg lease.StoreConfig) (lease.Store, error) {
	cli, err := t.newClient([]string{ep.Addr}, cfg.Dial)
	if err != nil {
		return nil, fmt.Errorf("lease store %s: %w", cfg.Process, err)
	}
	return &LeaseStore{cli: cli, record: t.LeaseRecordKey(), epoch: t.LeaseEpochKey(), resource: t.opts.ResourceKey,
		process: cfg.Process, log: logger(cfg.Log).With("process", cfg.Process, "node", ep.Node)}, nil
}

// Get reads the record and the epoch key in one read-only transaction,
// linearizable (etcd's default): one revision, so the token is the one
// of the record's state. The version is the record's mod revision.
func (s *LeaseStore) Get(ctx context.Context) (lease.Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := s.cli.Txn(ctx).Then(clientv3.OpGet(s.record), clientv3.OpGet(s.epoch)).Commit()
	if err != nil {
		return lease.Snapshot{}, fmt.Errorf("lease get: %w", err)
	}
	if len(resp.Responses) != 2 {
		return lease.Snapshot{}, fmt.Errorf("lease get: the transaction returned %d responses", len(resp.Responses))
	}
	rec, ep := resp.Responses[0].GetResponseRange(), resp.Responses[1].GetResponseRange()
	if rec == nil || len(rec.Kvs) == 0 {
		return lease.Snapshot{}, fmt.Errorf("lease get %s: %w", s.record, lease.ErrNotFound)
	}
	snap := lease.Snapshot{Data: rec.Kvs[0].Value, Version: lease.Version{N: rec.Kvs[0].ModRevision}}
	if ep != nil && len(ep.Kvs) > 0 {
		snap.Token = uint64(ep.Kvs[0].ModRevision)
	}
	return snap, nil
}

// recordAt is the compare that the record is still at prev: its mod
// revision, or for the zero version no record at all.
func recordAt(key string, prev lease.Version) clientv3.Cmp {
	if prev.IsZero() {
		return clientv3.Compare(clientv3.CreateRevision(key), "=", 0)
	}
	return clientv3.Compare(clientv3.ModRevision(key), "=", prev.N)
}

// Acquire puts the record and the epoch key in one transaction, if the
// record is still at prev. Both then have the transaction's revision:
// the new version and the new token.
func (s *LeaseStore) Acquire(ctx context.Context, data []byte, prev lease.Version) (lease.Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := s.cli.Txn(ctx).
		If(recordAt(s.record, prev)).
		Then(clientv3.OpPut(s.record, string(data)), clientv3.OpPut(s.epoch, s.process)).
		Commit()
	if err != nil {
		return lease.Snapshot{}, fmt.Errorf("lease acquire: %w", err)
	}
	if !resp.Succeeded {
		return lease.Snapshot{}, fmt.Errorf("lease acquire: %s not at revision %d: %w", s.record, prev.N, lease.ErrConflict)
	}
	rev := resp.Header.Revision
	s.log.Debug("lease acquired", "revision", rev, "prev", prev.N)
	return lease.Snapshot{Data: data, Version: lease.Version{N: rev}, Token: uint64(rev)}, nil
}

// Renew puts the record alone, if it is still at prev; the epoch key
// keeps its revision.
func (s *LeaseStore) Renew(ctx context.Context, data []byte, prev lease.Version) (lease.Version, error) {
	if prev.IsZero() {
		return lease.Version{}, errors.New("lease renew: no version to renew (a record is made by Acquire)")
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := s.cli.Txn(ctx).
		If(recordAt(s.record, prev)).
		Then(clientv3.OpPut(s.record, string(data))).
		Commit()
	if err != nil {
		return lease.Version{}, fmt.Errorf("lease renew: %w", err)
	}
	if !resp.Succeeded {
		return lease.Version{}, fmt.Errorf("lease renew: %s not at revision %d: %w", s.record, prev.N, lease.ErrConflict)
	}
	return lease.Version{N: resp.Header.Revision}, nil
}

// FencedWrite puts value at the resource key only if the epoch key still
// has mod revision token.
func (s *LeaseStore) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	if token == 0 {
		// An absent epoch key has mod revision 0: the compare would pass.
		return fmt.Errorf("lease fenced write: token 0 is nobody's: %w", targets.ErrRejected)
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := s.cli.Txn(ctx).
		If(clientv3.Compare(clientv3.ModRevision(s.epoch), "=", int64(token))).
		Then(clientv3.OpPut(s.resource, string(value))).
		Commit()
	if err != nil {
		return fmt.Errorf("lease fenced write: %w", err)
	}
	if !resp.Succeeded {
		return fmt.Errorf("lease fenced write: %s no longer at token %d: %w", s.epoch, token, targets.ErrRejected)
	}
	return nil
}

// Close closes the client.
func (s *LeaseStore) Close() error { return s.cli.Close() }
