// Package etcd is the etcd [targets.Target]: candidates campaign with
// concurrency.Election on a lease-backed concurrency.Session, the fencing
// token is the leader key's create revision, and the fenced write is a
// transaction that puts the resource key only if the leader key still has
// that create revision. Each candidate has its own client talking to one
// node only; the observer's client talks to all of them.
//
// The lease recipes' store ([Target.NewLeaseStore]) keeps the record at
// Root+"/lease/record" and the epoch at Root+"/lease/epoch"; its fenced
// writes go to the resource key. A takeover is one transaction: if the
// record's mod revision is still the one read (create revision 0 for no
// record), put the record and the epoch. The token is the epoch key's mod
// revision, the revision of that transaction: etcd's revision counts every
// write of the whole store and never goes back, and only a takeover puts
// the epoch, so each new holder's token is greater than every earlier
// holder's; a renewal puts the record alone and leaves the token. The
// fenced write is a transaction that puts the resource only if the epoch
// key's mod revision is still the token: once anyone took over, the epoch
// has a newer revision and the old holder's write is refused, in the same
// linearizable step as the write itself.
package etcd
