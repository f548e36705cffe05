package zookeeper

import (
	"context"
	"errors"
	"testing"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

func TestLeaseStorePaths(t *testing.T) {
	for _, c := range []struct {
		opts                    Options
		record, epoch, resource string
	}{
		{Options{}, "/chaos/lease/record", "/chaos/lease/epoch", "/chaos/resource"},
		{Options{Root: "/staging/chaos"}, "/staging/chaos/lease/record", "/staging/chaos/lease/epoch", "/staging/chaos/resource"},
		{Options{Root: "/s", ResourcePath: "/s/r2"}, "/s/lease/record", "/s/lease/epoch", "/s/r2"},
	} {
		tgt := New(c.opts)
		st, err := tgt.NewLeaseStore(context.Background(), targets.Endpoint{Node: "n1", Addr: "127.0.0.1:1"}, lease.StoreConfig{Process: "n1"})
		if err != nil {
			t.Fatal(err)
		}
		s := st.(*LeaseStore)
		if s.record != c.record || s.epoch != c.epoch || s.resource != c.resource {
			t.Errorf("%+v: paths %q %q %q, want %q %q %q", c.opts, s.record, s.epoch, s.resource, c.record, c.epoch, c.resource)
		}
		if tgt.LeaseRecordPath() != c.record || tgt.LeaseEpochPath() != c.epoch {
			t.Errorf("%+v: LeaseRecordPath %q, LeaseEpochPath %q", c.opts, tgt.LeaseRecordPath(), tgt.LeaseEpochPath())
		}
		for _, p := range []string{s.record, s.epoch} {
			if !targets.Under(p, tgt.Root()) || checkPath(p) != nil {
				t.Errorf("%q: not a path under the root %q (%v)", p, tgt.Root(), checkPath(p))
			}
		}
		// Refused without a request: nothing listens at 127.0.0.1:1.
		if err := st.FencedWrite(context.Background(), 0, []byte("x")); !errors.Is(err, targets.ErrRejected) {
			t.Errorf("fenced write with token 0: %v", err)
		}
		if _, err := st.Renew(context.Background(), []byte("x"), lease.Version{}); err == nil || errors.Is(err, lease.ErrConflict) {
			t.Errorf("renew of no version: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	}
}

// TestLeaseVersionMapping: a lease version is the znode version + 1, so
// that the zero version is "no record"; the record op creates for it.
func TestLeaseVersionMapping(t *testing.T) {
	for _, zv := range []int32{0, 1, 7} {
		v := versionOf(&zk.Stat{Version: zv})
		if v.N != int64(zv)+1 || v.IsZero() || znodeVersion(v) != zv {
			t.Errorf("znode version %d: lease version %d, back %d", zv, v.N, znodeVersion(v))
		}
	}
	if op, ok := recordOp("/r", []byte("d"), lease.Version{}, nil).(*zk.CreateRequest); !ok || op.Path != "/r" || op.Flags != 0 {
		t.Errorf("record op of no record: %#v, want a persistent create", op)
	}
	if op, ok := recordOp("/r", []byte("d"), lease.Version{N: 3}, nil).(*zk.SetDataRequest); !ok || op.Version != 2 {
		t.Errorf("record op at version 3: %#v, want setData at znode version 2", op)
	}
}

func TestLeaseMultiErrors(t *testing.T) {
	inconsistent := errors.New("unknown error: -2")
	res := []zk.MultiResponse{{}, {Error: zk.ErrNoNode}, {Error: inconsistent}}
	if i, err := failedOp(res); i != 1 || !errors.Is(err, zk.ErrNoNode) {
		t.Errorf("failedOp = %d, %v; want 1, ErrNoNode", i, err)
	}
	if i, err := failedOp(nil); i != -1 || err != nil {
		t.Errorf("failedOp of no results = %d, %v", i, err)
	}
	for _, c := range []struct {
		prev lease.Version
		err  error
		want bool
	}{
		{lease.Version{}, zk.ErrNodeExists, true},
		{lease.Version{}, zk.ErrNoNode, false}, // the parent is gone: not the record's doing
		{lease.Version{N: 2}, zk.ErrBadVersion, true},
		{lease.Version{N: 2}, zk.ErrNoNode, true},
		{lease.Version{N: 2}, zk.ErrNoAuth, false},
		{lease.Version{N: 2}, nil, false},
	} {
		if got := recordConflict(c.prev, c.err); got != c.want {
			t.Errorf("recordConflict(%d, %v) = %v", c.prev.N, c.err, got)
		}
	}
}
