// Package zookeeper is the ZooKeeper target: a candidate per node runs the
// ZooKeeper election recipe over github.com/go-zookeeper/zk, talking only
// to its own server.
//
// The recipe: each candidate creates an ephemeral sequential znode under
// the election path (protected, so a create retried after a lost
// connection finds its own znode instead of leaving an orphan); the lowest
// sequence leads; every other candidate watches only its predecessor (no
// herd). Before a candidate concludes it is lowest it issues a sync, so
// that the server it talks to has applied everything the ensemble leader
// had, the end of its own session included: a follower's lagging view
// cannot make an expired candidate believe it leads. A sync cannot mend a
// server whose data diverged from the quorum's: ZooKeeper 3.8.0 can keep
// a deposed leader's uncommitted session expiries after it truncates its
// log to the new leader's, and a candidate on it then leads beside the
// true leader (docs/backends.md, "a server that diverged").
//
// The fencing token is the znode's czxid, the zxid of the transaction that
// created it: ZooKeeper's own total order of writes, 64 bits with the
// leader epoch on top, so it grows across ensemble leader changes and can
// never repeat. The sequence number would also grow, but it is a 32-bit
// counter of the parent znode (it restarts if the parent is recreated).
// A candidate that leads has the lowest sequence among the live znodes,
// so every znode created after an earlier leader's has a greater czxid.
//
// A leader learns it lost on session expiry, on its znode's deletion, and
// when its connection has been down for longer than the session timeout
// (by then the ensemble may have expired it). The fenced write in the
// backend is multi(check(version of its znode), setData(resource)): it
// fails once the znode is gone.
//
// The lease recipes' store ([Target.NewLeaseStore]) keeps the record in
// the persistent znode Root+"/lease/record" and the epoch in
// Root+"/lease/epoch" (made, with their parent, when missing); its fenced
// writes go to the resource znode. A lease version is the record's znode
// version + 1, so that 0 means no record. A takeover is one multi: create
// the record (no record) or set it at the version read, and set the
// epoch's data. The token is the epoch's mzxid after it, the multi's zxid:
// zxids order every write of the ensemble and never repeat, even when the
// epoch znode is deleted and made again, and only a takeover writes the
// epoch, so each new holder's token is greater than every earlier one's.
// The epoch's version would grow too, but restarts at 0 if the znode is
// made again (the same reason the election uses czxid, not the sequence
// number). A renewal sets the record alone. The fenced write is
// multi(check(epoch at the version that goes with the token), setData
// (resource)): the store's own takeover gave it that version, or it reads
// it (after a sync) while the epoch's mzxid is still the token. Any later
// takeover sets the epoch and so raises its version: the check fails and
// the write is refused, atomically with it. Get syncs first, so that a
// follower does not answer with a record older than the last write.
package zookeeper
