package consul

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/hashicorp/consul/api"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/lease"
)

func TestLeaseStoreKeys(t *testing.T) {
	for _, c := range []struct {
		opts                    Options
		record, epoch, resource string
	}{
		{Options{}, "chaos/lease/record", "chaos/lease/epoch", "chaos/resource"},
		{Options{Root: "staging/chaos"}, "staging/chaos/lease/record", "staging/chaos/lease/epoch", "staging/chaos/resource"},
		{Options{Root: "s", ResourceKey: "s/r2"}, "s/lease/record", "s/lease/epoch", "s/r2"},
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

// TestLeaseOps: the version is the record's ModifyIndex (0: absent, a
// check-and-set of index 0 creates); every write of the record and the
// epoch differs from what the key holds, so that Consul writes it.
func TestLeaseOps(t *testing.T) {
	op := recordCAS("k", []byte("d"), lease.Version{})
	if op.Verb != api.KVCAS || op.Index != 0 || op.Key != "k" || !bytes.Equal(op.Value, []byte("d")) {
		t.Errorf("record op of no record: %+v", op)
	}
	// The record at index 9 was written by the op at its previous index
	// (5), with flags 5: the next write's flags are 9.
	if op := recordCAS("k", []byte("d"), lease.Version{N: 9}); op.Index != 9 || op.Flags != 9 {
		t.Errorf("record op at index 9: %+v", op)
	}
	a, err := epochSet("e", "n1", lease.Version{N: 9})
	if err != nil {
		t.Fatal(err)
	}
	b, err := epochSet("e", "n1", lease.Version{N: 9})
	if err != nil {
		t.Fatal(err)
	}
	if a.Verb != api.KVSet || a.Key != "e" || bytes.Equal(a.Value, b.Value) || !bytes.HasPrefix(a.Value, []byte("n1 prev=9 ")) {
		t.Errorf("epoch ops %q, %q: want sets of distinct values", a.Value, b.Value)
	}
}

func TestLeaseRefusedAt(t *testing.T) {
	for _, c := range []struct {
		errs api.TxnErrors
		at   int
		want bool
	}{
		{api.TxnErrors{{OpIndex: 0, What: `failed to set key "k", index is stale`}}, 0, true},
		{api.TxnErrors{{OpIndex: 0, What: `failed index check for key "e", current modify index 7 != 5`}}, 0, true},
		{api.TxnErrors{{OpIndex: 1, What: `failed to set key "e"`}}, 0, false},
		{api.TxnErrors{{OpIndex: 0, What: "Permission denied"}}, 0, false},
		{api.TxnErrors{{OpIndex: 1, What: "Permission denied"}, {OpIndex: 0, What: "index is stale"}}, 0, false},
		{nil, 0, false},
	} {
		if got := refusedAt(&api.TxnResponse{Errors: c.errs}, c.at); got != c.want {
			t.Errorf("refusedAt(%s, %d) = %v", txnErrors(&api.TxnResponse{Errors: c.errs}), c.at, got)
		}
	}
	if refusedAt(nil, 0) {
		t.Error("refusedAt(nil)")
	}
}
