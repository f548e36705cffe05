package consul

import (
	"bytes"
	"testing"

	"github.com/hashicorp/consul/api"

	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets/lease"
)

func TestLeaseStoreKeys(t *testing.T) {
	targettest.CheckLeaseStoreKeys(t, New, func(tgt *Target, st lease.Store) (targettest.LeaseKeys, string, string) {
		s := st.(*LeaseStore)
		return targettest.LeaseKeys{Record: s.record, Epoch: s.epoch, Resource: s.resource}, tgt.LeaseRecordKey(), tgt.LeaseEpochKey()
	}, nil, map[Options]targettest.LeaseKeys{
		{}:                               {Record: "chaos/lease/record", Epoch: "chaos/lease/epoch", Resource: "chaos/resource"},
		{Root: "staging/chaos"}:          {Record: "staging/chaos/lease/record", Epoch: "staging/chaos/lease/epoch", Resource: "staging/chaos/resource"},
		{Root: "s", ResourceKey: "s/r2"}: {Record: "s/lease/record", Epoch: "s/lease/epoch", Resource: "s/r2"},
	})
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
