package etcd

import (
	"testing"

	"go.etcd.io/etcd/api/v3/etcdserverpb"

	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets/lease"
)

func TestLeaseStoreKeys(t *testing.T) {
	targettest.CheckLeaseStoreKeys(t, New, func(tgt *Target, st lease.Store) (targettest.LeaseKeys, string, string) {
		s := st.(*LeaseStore)
		return targettest.LeaseKeys{Record: s.record, Epoch: s.epoch, Resource: s.resource}, tgt.LeaseRecordKey(), tgt.LeaseEpochKey()
	}, nil, map[Options]targettest.LeaseKeys{
		{}:                                 {Record: "/chaos/lease/record", Epoch: "/chaos/lease/epoch", Resource: "/chaos/resource"},
		{Root: "/staging/chaos"}:           {Record: "/staging/chaos/lease/record", Epoch: "/staging/chaos/lease/epoch", Resource: "/staging/chaos/resource"},
		{Root: "/s", ResourceKey: "/s/r2"}: {Record: "/s/lease/record", Epoch: "/s/lease/epoch", Resource: "/s/r2"},
	})
}

// TestLeaseVersionCompare: the version is the record's mod revision, and
// the zero version means "never created".
func TestLeaseVersionCompare(t *testing.T) {
	for _, c := range []struct {
		prev   lease.Version
		target etcdserverpb.Compare_CompareTarget
		want   int64
	}{
		{lease.Version{}, etcdserverpb.Compare_CREATE, 0},
		{lease.Version{N: 42}, etcdserverpb.Compare_MOD, 42},
	} {
		cmp := recordAt("/k", c.prev)
		var got int64
		switch u := cmp.TargetUnion.(type) {
		case *etcdserverpb.Compare_CreateRevision:
			got = u.CreateRevision
		case *etcdserverpb.Compare_ModRevision:
			got = u.ModRevision
		default:
			t.Fatalf("compare on %T", u)
		}
		if cmp.Target != c.target || got != c.want || string(cmp.Key) != "/k" || cmp.Result != etcdserverpb.Compare_EQUAL {
			t.Errorf("prev %d: compare %v %v %d on %q, want %v = %d", c.prev.N, cmp.Target, cmp.Result, got, cmp.Key, c.target, c.want)
		}
	}
}
