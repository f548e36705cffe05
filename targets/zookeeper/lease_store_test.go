package zookeeper

import (
	"errors"
	"testing"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets/lease"
)

func TestLeaseStorePaths(t *testing.T) {
	targettest.CheckLeaseStoreKeys(t, New, func(tgt *Target, st lease.Store) (targettest.LeaseKeys, string, string) {
		s := st.(*LeaseStore)
		return targettest.LeaseKeys{Record: s.record, Epoch: s.epoch, Resource: s.resource}, tgt.LeaseRecordPath(), tgt.LeaseEpochPath()
	}, checkPath, map[Options]targettest.LeaseKeys{
		{}:                                  {Record: "/chaos/lease/record", Epoch: "/chaos/lease/epoch", Resource: "/chaos/resource"},
		{Root: "/staging/chaos"}:            {Record: "/staging/chaos/lease/record", Epoch: "/staging/chaos/lease/epoch", Resource: "/staging/chaos/resource"},
		{Root: "/s", ResourcePath: "/s/r2"}: {Record: "/s/lease/record", Epoch: "/s/lease/epoch", Resource: "/s/r2"},
	})
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
