package consul

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hashicorp/consul/api"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

var _ lease.Target = (*Target)(nil)

// LeaseStore is a [lease.Store] on one server agent: the record and the
// epoch are two KV keys, written together by a takeover in one
// transaction; the token is the epoch key's ModifyIndex.
type LeaseStore struct {
	cli                     *api.Client
	record, epoch, resource string
	process                 string
	log                     *slog.Logger
}

var _ lease.Store = (*LeaseStore)(nil)

// NewLeaseStore returns a lease store of the agent at ep, dialing
// through cfg.Dial as a candidate does. It does not contact the agent.
func (t *Target) NewLeaseStore(ctx context.Context, ep targets.Endpoint, cfg lease.StoreConfig) (lease.Store, error) {
	cli, err := t.newClient(ep.Addr, cfg.Dial)
	if err != nil {
		return nil, fmt.Errorf("lease store %s: %w", cfg.Process, err)
	}
	return &LeaseStore{cli: cli, record: t.LeaseRecordKey(), epoch: t.LeaseEpochKey(), resource: t.opts.ResourceKey,
		process: cfg.Process, log: logger(cfg.Log).With("process", cfg.Process, "node", ep.Node)}, nil
}

// Get reads the record and the epoch key in one read-only transaction,
// consistent (the leader confirms its leadership with a quorum first):
// one state of the store, so the token is the one of the record read.
// The version is the record's ModifyIndex; get-or-empty gives an absent
// key with index 0.
func (s *LeaseStore) Get(ctx context.Context) (lease.Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	ok, resp, _, err := s.cli.Txn().Txn(api.TxnOps{
		{KV: &api.KVTxnOp{Verb: api.KVGetOrEmpty, Key: s.record}},
		{KV: &api.KVTxnOp{Verb: api.KVGetOrEmpty, Key: s.epoch}},
	}, queryCtx(ctx))
	if err != nil {
		return lease.Snapshot{}, fmt.Errorf("lease get: %w", err)
	}
	if !ok {
		return lease.Snapshot{}, fmt.Errorf("lease get: %s", txnErrors(resp))
	}
	rec, ep, err := twoKVs(resp)
	if err != nil {
		return lease.Snapshot{}, fmt.Errorf("lease get: %w", err)
	}
	if rec.ModifyIndex == 0 {
		return lease.Snapshot{}, fmt.Errorf("lease get %s: %w", s.record, lease.ErrNotFound)
	}
	return lease.Snapshot{Data: rec.Value, Version: lease.Version{N: int64(rec.ModifyIndex)}, Token: ep.ModifyIndex}, nil
}

// twoKVs returns the keys of a transaction's first two results.
func twoKVs(resp *api.TxnResponse) (*api.KVPair, *api.KVPair, error) {
	if resp == nil || len(resp.Results) != 2 || resp.Results[0].KV == nil || resp.Results[1].KV == nil {
		n := 0
		if resp != nil {
			n = len(resp.Results)
		}
		return nil, nil, fmt.Errorf("the transaction returned %d results, want 2 keys", n)
	}
	return resp.Results[0].KV, resp.Results[1].KV, nil
}

// recordCAS is the transaction op that sets the record if it is still at
// prev (index 0: only if absent). Consul does not write a key set to what
// it holds, leaving its ModifyIndex alone; so the flags of each write are
// the index it replaces, which the record's flags are not (they are the
// index before that, or 0): the record changes on every write, even of
// the same data, and its version with it.
func recordCAS(key string, data []byte, prev lease.Version) *api.KVTxnOp {
	return &api.KVTxnOp{Verb: api.KVCAS, Key: key, Value: data, Index: uint64(prev.N), Flags: uint64(prev.N)}
}

// epochSet is the transaction op that moves the epoch: set it to a value
// it cannot hold yet (a fresh random nonce), so that the set is a write
// and its ModifyIndex moves.
func epochSet(key, process string, prev lease.Version) (*api.KVTxnOp, error) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	v := fmt.Sprintf("%s prev=%d nonce=%s", process, prev.N, hex.EncodeToString(nonce))
	return &api.KVTxnOp{Verb: api.KVSet, Key: key, Value: []byte(v), Flags: uint64(prev.N)}, nil
}

// refusedAt reports whether a failed transaction failed at op i for a
// reason of its data (a stale index, an absent key), not of the token's
// permissions.
func refusedAt(resp *api.TxnResponse, i int) bool {
	if resp == nil {
		return false
	}
	at := false
	for _, e := range resp.Errors {
		if strings.Contains(strings.ToLower(e.What), "permission denied") {
			return false
		}
		at = at || e.OpIndex == i
	}
	return at
}

// Acquire sets the record (check-and-set at prev) and the epoch key in
// one transaction; both then have the transaction's Raft index, read
// from its results: the new version and the new token.
func (s *LeaseStore) Acquire(ctx context.Context, data []byte, prev lease.Version) (lease.Snapshot, error) {
	epoch, err := epochSet(s.epoch, s.process, prev)
	if err != nil {
		return lease.Snapshot{}, fmt.Errorf("lease acquire: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	ok, resp, _, err := s.cli.Txn().Txn(api.TxnOps{{KV: recordCAS(s.record, data, prev)}, {KV: epoch}}, queryCtx(ctx))
	if err != nil {
		return lease.Snapshot{}, fmt.Errorf("lease acquire: %w", err)
	}
	if !ok {
		if refusedAt(resp, 0) {
			return lease.Snapshot{}, fmt.Errorf("lease acquire: %s not at index %d (%s): %w", s.record, prev.N, txnErrors(resp), lease.ErrConflict)
		}
		return lease.Snapshot{}, fmt.Errorf("lease acquire: refused: %s", txnErrors(resp))
	}
	rec, ep, err := twoKVs(resp)
	if err != nil {
		return lease.Snapshot{}, fmt.Errorf("lease acquire: %w", err)
	}
	s.log.Debug("lease acquired", "modify_index", ep.ModifyIndex, "prev", prev.N)
	return lease.Snapshot{Data: data, Version: lease.Version{N: int64(rec.ModifyIndex)}, Token: ep.ModifyIndex}, nil
}

// Renew sets the record alone, check-and-set at prev, in a transaction
// whose result gives its new ModifyIndex.
func (s *LeaseStore) Renew(ctx context.Context, data []byte, prev lease.Version) (lease.Version, error) {
	if prev.IsZero() {
		return lease.Version{}, errors.New("lease renew: no version to renew (a record is made by Acquire)")
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	ok, resp, _, err := s.cli.Txn().Txn(api.TxnOps{{KV: recordCAS(s.record, data, prev)}}, queryCtx(ctx))
	if err != nil {
		return lease.Version{}, fmt.Errorf("lease renew: %w", err)
	}
	if !ok {
		if refusedAt(resp, 0) {
			return lease.Version{}, fmt.Errorf("lease renew: %s not at index %d (%s): %w", s.record, prev.N, txnErrors(resp), lease.ErrConflict)
		}
		return lease.Version{}, fmt.Errorf("lease renew: refused: %s", txnErrors(resp))
	}
	if len(resp.Results) != 1 || resp.Results[0].KV == nil {
		return lease.Version{}, fmt.Errorf("lease renew: the transaction returned %d results", len(resp.Results))
	}
	return lease.Version{N: int64(resp.Results[0].KV.ModifyIndex)}, nil
}

// FencedWrite sets the resource key in one transaction with a check that
// the epoch key's ModifyIndex is still token.
func (s *LeaseStore) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	if token == 0 {
		return fmt.Errorf("lease fenced write: token 0 is nobody's: %w", targets.ErrRejected)
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	ok, resp, _, err := s.cli.Txn().Txn(api.TxnOps{
		{KV: &api.KVTxnOp{Verb: api.KVCheckIndex, Key: s.epoch, Index: token}},
		{KV: &api.KVTxnOp{Verb: api.KVSet, Key: s.resource, Value: value}},
	}, queryCtx(ctx))
	if err != nil {
		return fmt.Errorf("lease fenced write: %w", err)
	}
	if !ok {
		if refusedAt(resp, 0) {
			return fmt.Errorf("lease fenced write: %s no longer at token %d (%s): %w", s.epoch, token, txnErrors(resp), targets.ErrRejected)
		}
		return fmt.Errorf("lease fenced write: refused: %s", txnErrors(resp))
	}
	return nil
}

// Close releases nothing: the client holds only idle connections.
func (s *LeaseStore) Close() error { return nil }
