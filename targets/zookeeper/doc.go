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
// cannot make an expired candidate believe it leads.
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
package zookeeper
