package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

// leaseSession is the session timeout of a lease store's client: it
// creates no ephemeral znode, so the session only bounds a reconnection.
const leaseSession = 4 * time.Second

// getRetries bounds how often Get reads the record and the epoch again
// when a write came between its reads.
const getRetries = 5

var _ lease.Target = (*Target)(nil)

// LeaseRecordPath returns the znode of the lease recipes' record:
// Root+"/lease/record".
func (t *Target) LeaseRecordPath() string { return t.LeaseRecordKey() }

// LeaseEpochPath returns the znode whose mzxid is the lease recipes'
// fencing token: Root+"/lease/epoch".
func (t *Target) LeaseEpochPath() string { return t.LeaseEpochKey() }

// LeaseStore is a [lease.Store] on one server: the record and the epoch
// are two persistent znodes, written together by a takeover in one multi;
// the token is the epoch znode's mzxid.
type LeaseStore struct {
	conn                    *zk.Conn
	record, epoch, resource string
	acl                     []zk.ACL
	process                 string
	log                     *slog.Logger

	mu           sync.Mutex
	epochMade    bool             // the parent and the epoch znode exist
	resourceMade bool             // the resource znode exists
	versions     map[uint64]int32 // token -> the epoch's version this store's Acquire gave it
}

var _ lease.Store = (*LeaseStore)(nil)

// NewLeaseStore returns a lease store of the server at ep, dialing
// through cfg.Dial as a candidate does. Without a digest it does not
// contact the server (the session is made in the background).
func (t *Target) NewLeaseStore(ctx context.Context, ep targets.Endpoint, cfg lease.StoreConfig) (lease.Store, error) {
	log := logger(cfg.Log).With("process", cfg.Process, "node", ep.Node)
	conn, err := connect(ctx, []string{ep.Addr}, leaseSession, cfg.Dial, t.access, log, nil)
	if err != nil {
		return nil, fmt.Errorf("lease store %s: %w", cfg.Process, err)
	}
	return &LeaseStore{conn: conn, record: t.LeaseRecordPath(), epoch: t.LeaseEpochPath(), resource: t.opts.ResourcePath,
		acl: t.acl(), process: cfg.Process, log: log, versions: map[uint64]int32{}}, nil
}

// versionOf is the lease version of a record znode's stat: its version +
// 1, so that 0 is "no record".
func versionOf(st *zk.Stat) lease.Version { return lease.Version{N: int64(st.Version) + 1} }

// znodeVersion is the znode version a lease version stands for.
func znodeVersion(v lease.Version) int32 { return int32(v.N - 1) }

// Get syncs the server with the leader, then reads the record and the
// epoch's stat. They are two reads: it reads the record's stat again
// after the epoch's and starts over when the record moved in between (a
// takeover writes both in one transaction, so an unmoved record means
// the epoch read is the one of the record read).
func (s *LeaseStore) Get(ctx context.Context) (lease.Snapshot, error) {
	if _, err := call(ctx, func() (string, error) { return s.conn.Sync(s.record) }); err != nil && !errors.Is(err, zk.ErrNoNode) {
		return lease.Snapshot{}, fmt.Errorf("lease get: sync: %w", err)
	}
	type node struct {
		data []byte
		stat *zk.Stat
	}
	for range getRetries {
		rec, err := call(ctx, func() (node, error) {
			d, st, err := s.conn.Get(s.record)
			return node{d, st}, err
		})
		if errors.Is(err, zk.ErrNoNode) {
			return lease.Snapshot{}, fmt.Errorf("lease get %s: %w", s.record, lease.ErrNotFound)
		}
		if err != nil {
			return lease.Snapshot{}, fmt.Errorf("lease get %s: %w", s.record, err)
		}
		ep, err := call(ctx, func() (existsResult, error) {
			ok, st, err := s.conn.Exists(s.epoch)
			return existsResult{ok, st}, err
		})
		if err != nil {
			return lease.Snapshot{}, fmt.Errorf("lease get %s: %w", s.epoch, err)
		}
		again, err := call(ctx, func() (existsResult, error) {
			ok, st, err := s.conn.Exists(s.record)
			return existsResult{ok, st}, err
		})
		if err != nil {
			return lease.Snapshot{}, fmt.Errorf("lease get %s: %w", s.record, err)
		}
		if !again.exists || again.stat.Mzxid != rec.stat.Mzxid {
			continue // written (or deleted) in between: read again
		}
		snap := lease.Snapshot{Data: rec.data, Version: versionOf(rec.stat)}
		if ep.exists {
			snap.Token = uint64(ep.stat.Mzxid)
		}
		return snap, nil
	}
	return lease.Snapshot{}, fmt.Errorf("lease get: the record changed during each of %d reads", getRetries)
}

// ensureEpoch creates the parent and the epoch znode (persistent, with
// the target's ACL) once.
func (s *LeaseStore) ensureEpoch(ctx context.Context) error {
	s.mu.Lock()
	made := s.epochMade
	s.mu.Unlock()
	if made {
		return nil
	}
	if err := ensurePath(ctx, s.conn, s.epoch, s.acl); err != nil {
		return err
	}
	s.mu.Lock()
	s.epochMade = true
	s.mu.Unlock()
	return nil
}

// forgetEpoch makes the next write create the epoch again: it was found
// gone.
func (s *LeaseStore) forgetEpoch() {
	s.mu.Lock()
	s.epochMade = false
	s.mu.Unlock()
}

// recordOp is the multi's write of the record at prev: create it for the
// zero version, else set it at the znode version prev stands for.
func recordOp(p string, data []byte, prev lease.Version, acl []zk.ACL) any {
	if prev.IsZero() {
		return &zk.CreateRequest{Path: p, Data: data, Acl: acl}
	}
	return &zk.SetDataRequest{Path: p, Data: data, Version: znodeVersion(prev)}
}

// failedOp returns the index and error of the op that failed a multi:
// the first with an error (those before it succeeded, those after it
// were not run); -1 when none says.
func failedOp(res []zk.MultiResponse) (int, error) {
	for i, r := range res {
		if r.Error != nil {
			return i, r.Error
		}
	}
	return -1, nil
}

// recordConflict reports whether err, of the record's op, says the record
// is not at prev: it exists where there was to be none, or it has
// another version, or it is gone.
func recordConflict(prev lease.Version, err error) bool {
	if prev.IsZero() {
		return errors.Is(err, zk.ErrNodeExists)
	}
	return errors.Is(err, zk.ErrBadVersion) || errors.Is(err, zk.ErrNoNode)
}

// Acquire writes the record at prev and sets the epoch's data in one
// multi; the token is the epoch's mzxid after it, the zxid of the multi.
func (s *LeaseStore) Acquire(ctx context.Context, data []byte, prev lease.Version) (lease.Snapshot, error) {
	if err := s.ensureEpoch(ctx); err != nil {
		return lease.Snapshot{}, fmt.Errorf("lease acquire: %w", err)
	}
	res, err := call(ctx, func() ([]zk.MultiResponse, error) {
		return s.conn.Multi(
			recordOp(s.record, data, prev, s.acl),
			&zk.SetDataRequest{Path: s.epoch, Data: []byte(s.process), Version: -1},
		)
	})
	if err != nil {
		i, opErr := failedOp(res)
		switch {
		case i == 0 && recordConflict(prev, opErr):
			return lease.Snapshot{}, fmt.Errorf("lease acquire: %s not at version %d: %w: %w", s.record, prev.N, opErr, lease.ErrConflict)
		case opErr != nil && errors.Is(opErr, zk.ErrNoNode):
			// The parent (op 0, a create) or the epoch (op 1) is gone.
			s.forgetEpoch()
		}
		return lease.Snapshot{}, fmt.Errorf("lease acquire: %w", err)
	}
	if len(res) != 2 || res[1].Stat == nil {
		return lease.Snapshot{}, fmt.Errorf("lease acquire: the multi returned %d results", len(res))
	}
	v := lease.Version{N: 1} // a created znode has version 0
	if res[0].Stat != nil {
		v = versionOf(res[0].Stat)
	}
	ep := res[1].Stat
	tok := uint64(ep.Mzxid)
	s.mu.Lock()
	s.versions[tok] = ep.Version
	s.mu.Unlock()
	s.log.Debug("lease acquired", "mzxid", fmt.Sprintf("%#x", ep.Mzxid), "epoch_version", ep.Version, "version", v.N)
	return lease.Snapshot{Data: data, Version: v, Token: tok}, nil
}

// Renew sets the record's data at the znode version prev stands for; the
// epoch is left alone.
func (s *LeaseStore) Renew(ctx context.Context, data []byte, prev lease.Version) (lease.Version, error) {
	if prev.IsZero() {
		return lease.Version{}, errors.New("lease renew: no version to renew (a record is made by Acquire)")
	}
	st, err := call(ctx, func() (*zk.Stat, error) { return s.conn.Set(s.record, data, znodeVersion(prev)) })
	if recordConflict(prev, err) {
		return lease.Version{}, fmt.Errorf("lease renew: %s not at version %d: %w: %w", s.record, prev.N, err, lease.ErrConflict)
	}
	if err != nil {
		return lease.Version{}, fmt.Errorf("lease renew: %w", err)
	}
	return versionOf(st), nil
}

// FencedWrite sets the resource znode in one multi with a check that the
// epoch is still at the version it had with mzxid token: the version this
// store's Acquire gave it, or, for a token it did not make, the version
// read (after a sync) while the epoch's mzxid is token. The epoch's
// mzxid and version move together: a check at that version fails once
// anyone set the epoch since.
func (s *LeaseStore) FencedWrite(ctx context.Context, token uint64, value []byte) error {
	if token == 0 {
		return fmt.Errorf("lease fenced write: token 0 is nobody's: %w", targets.ErrRejected)
	}
	version, err := s.epochVersion(ctx, token)
	if err != nil {
		return err
	}
	s.mu.Lock()
	made := s.resourceMade
	s.mu.Unlock()
	if !made {
		if err := ensurePath(ctx, s.conn, s.resource, s.acl); err != nil {
			return fmt.Errorf("lease fenced write: %w", err)
		}
		s.mu.Lock()
		s.resourceMade = true
		s.mu.Unlock()
	}
	res, err := call(ctx, func() ([]zk.MultiResponse, error) {
		return s.conn.Multi(
			&zk.CheckVersionRequest{Path: s.epoch, Version: version},
			&zk.SetDataRequest{Path: s.resource, Data: value, Version: -1},
		)
	})
	if err == nil {
		return nil
	}
	i, opErr := failedOp(res)
	switch {
	case i == 0 && (errors.Is(opErr, zk.ErrBadVersion) || errors.Is(opErr, zk.ErrNoNode)):
		return fmt.Errorf("lease fenced write: %s moved past token %#x: %w", s.epoch, token, targets.ErrRejected)
	case i == 1 && errors.Is(opErr, zk.ErrNoNode):
		s.mu.Lock()
		s.resourceMade = false
		s.mu.Unlock()
	}
	return fmt.Errorf("lease fenced write: %w", err)
}

// epochVersion is the epoch's version that goes with mzxid token.
func (s *LeaseStore) epochVersion(ctx context.Context, token uint64) (int32, error) {
	s.mu.Lock()
	v, ok := s.versions[token]
	s.mu.Unlock()
	if ok {
		return v, nil
	}
	if _, err := call(ctx, func() (string, error) { return s.conn.Sync(s.epoch) }); err != nil && !errors.Is(err, zk.ErrNoNode) {
		return 0, fmt.Errorf("lease fenced write: sync: %w", err)
	}
	ep, err := call(ctx, func() (existsResult, error) {
		ok, st, err := s.conn.Exists(s.epoch)
		return existsResult{ok, st}, err
	})
	if err != nil {
		return 0, fmt.Errorf("lease fenced write: read %s: %w", s.epoch, err)
	}
	if !ep.exists || uint64(ep.stat.Mzxid) != token {
		return 0, fmt.Errorf("lease fenced write: %s is not at token %#x: %w", s.epoch, token, targets.ErrRejected)
	}
	return ep.stat.Version, nil
}

// Close closes the client.
func (s *LeaseStore) Close() error {
	s.conn.Close()
	return nil
}
