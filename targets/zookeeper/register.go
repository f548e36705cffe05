package zookeeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/targets"
)

// Read modes of the ZooKeeper register.
const (
	ReadPlain = "plain" // served by the server from its own state (ZooKeeper's default)
	ReadSync  = "sync"  // sync, then read: the server first catches up with the leader
)

// DefaultRegisterPath is the parent of the register workload's znodes
// with Root "": Root+"/register" in general.
const DefaultRegisterPath = DefaultRoot + "/register"

// registerSession is the session timeout of a register client.
const registerSession = 4 * time.Second

var _ targets.RegisterTarget = (*Target)(nil)

// ReadModes returns plain, sync.
func (t *Target) ReadModes() []string { return []string{ReadPlain, ReadSync} }

// Register is a register client of one server.
type Register struct {
	conn     *zk.Conn
	parent   string   // of every znode: the target's register path
	acl      []zk.ACL // of the znodes it creates
	sync     bool
	pathOnce sync.Once
	pathErr  error
}

// NewRegister returns a register client of ep.
func (t *Target) NewRegister(ctx context.Context, ep targets.Endpoint, cfg targets.RegisterConfig) (targets.Register, error) {
	mode, err := targets.ResolveReadMode(t, cfg.ReadMode)
	if err != nil {
		return nil, fmt.Errorf("zookeeper register: %w", err)
	}
	conn, err := connect(ctx, []string{ep.Addr}, registerSession, cfg.Dial, t.access, logger(cfg.Log), nil)
	if err != nil {
		return nil, fmt.Errorf("zookeeper register: %w", err)
	}
	return &Register{conn: conn, parent: t.RegisterPath(), acl: t.acl(), sync: mode == ReadSync}, nil
}

func (r *Register) path(ctx context.Context, key string) (string, error) {
	r.pathOnce.Do(func() { r.pathErr = ensurePath(ctx, r.conn, r.parent, r.acl) })
	return r.parent + "/" + key, r.pathErr
}

// Read gets the znode, after a sync in mode sync.
func (r *Register) Read(ctx context.Context, key string) ([]byte, bool, error) {
	p, err := r.path(ctx, key)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", key, err)
	}
	if r.sync {
		if _, err := call(ctx, func() (string, error) { return r.conn.Sync(p) }); err != nil && !errors.Is(err, zk.ErrNoNode) {
			return nil, false, fmt.Errorf("read %s: sync: %w", key, err)
		}
	}
	data, err := call(ctx, func() ([]byte, error) {
		d, _, err := r.conn.Get(p)
		return d, err
	})
	if errors.Is(err, zk.ErrNoNode) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", key, err)
	}
	return data, true, nil
}

// Write sets the znode, creating it when absent.
func (r *Register) Write(ctx context.Context, key string, value []byte) error {
	p, err := r.path(ctx, key)
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	for {
		_, err := call(ctx, func() (*zk.Stat, error) { return r.conn.Set(p, value, -1) })
		if !errors.Is(err, zk.ErrNoNode) {
			if err != nil {
				return fmt.Errorf("write %s: %w", key, err)
			}
			return nil
		}
		_, err = call(ctx, func() (string, error) { return r.conn.Create(p, value, 0, r.acl) })
		if !errors.Is(err, zk.ErrNodeExists) {
			if err != nil {
				return fmt.Errorf("write %s: %w", key, err)
			}
			return nil
		}
		// Created by another client in between: set it.
	}
}

// CAS reads the znode and sets it at the version read if its value is
// from; a newer version in between means another write came first, and
// it reads again.
func (r *Register) CAS(ctx context.Context, key string, from, to []byte) error {
	p, err := r.path(ctx, key)
	if err != nil {
		return fmt.Errorf("cas %s: %w", key, err)
	}
	type node struct {
		data []byte
		stat *zk.Stat
	}
	for {
		if _, err := call(ctx, func() (string, error) { return r.conn.Sync(p) }); err != nil && !errors.Is(err, zk.ErrNoNode) {
			return fmt.Errorf("cas %s: sync: %w", key, err)
		}
		n, err := call(ctx, func() (node, error) {
			d, st, err := r.conn.Get(p)
			return node{d, st}, err
		})
		if errors.Is(err, zk.ErrNoNode) {
			return fmt.Errorf("cas %s: no value: %w", key, targets.ErrCASFailed)
		}
		if err != nil {
			return fmt.Errorf("cas %s: %w", key, err)
		}
		if !bytes.Equal(n.data, from) {
			return fmt.Errorf("cas %s: %w", key, targets.ErrCASFailed)
		}
		_, err = call(ctx, func() (*zk.Stat, error) { return r.conn.Set(p, to, n.stat.Version) })
		if errors.Is(err, zk.ErrBadVersion) {
			continue
		}
		if err != nil {
			return fmt.Errorf("cas %s: %w", key, err)
		}
		return nil
	}
}

// Close closes the client.
func (r *Register) Close() error {
	r.conn.Close()
	return nil
}
