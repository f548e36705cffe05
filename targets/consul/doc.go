// Package consul is the Consul target: a candidate per node holds a
// session on its own server agent (TTL, lock-delay and behavior from the
// plan) and acquires one KV key with it, through
// github.com/hashicorp/consul/api.
//
// The acquire is a transaction (KV lock), whose result carries the key as
// written. The fencing token is that key's ModifyIndex: the Raft index of
// the write that acquired it, which grows with every write to the store,
// so a later acquisition always has a greater one. LockIndex, the key's
// count of acquisitions, is not a safe token: with behavior "delete" an
// invalidated session deletes the key and the next acquisition starts
// LockIndex at 1 again (a test shows it). While a session holds the key
// nobody else writes it, so ModifyIndex stays the token's value for the
// whole leadership.
//
// A leader learns it lost when a renewal finds its session gone, when it
// has not renewed for longer than the TTL (by then the servers may have
// invalidated it), and when a blocking query shows the key with another
// session or none. The fenced write in the backend is a transaction:
// check-session and check-index on the lock key, then set the resource.
//
// The lease recipes' store ([Target.NewLeaseStore]) keeps the record at
// Root+"/lease/record" and the epoch at Root+"/lease/epoch"; its fenced
// writes go to the resource key. A lease version is the record's
// ModifyIndex. A takeover is one KV transaction: check-and-set the record
// at the index read (index 0: only if absent), set the epoch. The token is
// the epoch's ModifyIndex as the transaction's result gives it, the Raft
// index of that transaction: it grows with every write to the store, and
// only a takeover writes the epoch, so each new holder's token is greater
// than every earlier one's; a renewal (check-and-set of the record alone)
// leaves it. Consul skips a set that leaves a key as it was, ModifyIndex
// included, so every write differs from what the key holds: the epoch gets
// a fresh random nonce, the record the flags of the index it replaces.
// The fenced write is a transaction: check-index on the epoch at the
// token, then set the resource; once anyone took over, the epoch's
// ModifyIndex moved and the whole transaction is refused. Get reads both
// keys in one consistent read-only transaction.
package consul
