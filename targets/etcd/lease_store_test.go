package etcd

import (
	"context"
	"errors"
	"testing"

	"go.etcd.io/etcd/api/v3/etcdserverpb"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

func TestLeaseStoreKeys(t *testing.T) {
	for _, c := range []struct {
		opts                    Options
		record, epoch, resource string
	}{
		{Options{}, "/chaos/lease/record", "/chaos/lease/epoch", "/chaos/resource"},
		{Options{Root: "/staging/chaos"}, "/staging/chaos/lease/record", "/staging/chaos/lease/epoch", "/staging/chaos/resource"},
		{Options{Root: "/s", ResourceKey: "/s/r2"}, "/s/lease/record", "/s/lease/epoch", "/s/r2"},
	} {
		tgt := New(c.opts)
		st, err := tgt.NewLeaseStore(context.Background(), targets.Endpoint{Node: "n1", Addr: "127.0.0.1:1"}, lease.StoreConfig{Process: "n1"})
		if err != nil {
			t.Fatal(err)
		}
		s := st.(*LeaseStore)
		if s.record != c.record || s.epoch != c.epoch || s.resource != c.resource {
			t.Errorf("%+v: keys %q %q %q, want %q %q %q", c.opts, s.record, s.epoch, s.resource, c.record, c.epoch, c.resource)
		}
		if tgt.LeaseRecordKey() != c.record || tgt.LeaseEpochKey() != c.epoch {
			t.Errorf("%+v: LeaseRecordKey %q, LeaseEpochKey %q", c.opts, tgt.LeaseRecordKey(), tgt.LeaseEpochKey())
		}
		for _, k := range []string{s.record, s.epoch} {
			if !targets.Under(k, tgt.Root()) {
				t.Errorf("%q is not under the root %q", k, tgt.Root())
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
