// Package etcd is the etcd [targets.Target]: candidates campaign with
// concurrency.Election on a lease-backed concurrency.Session, the fencing
// token is the leader key's create revision, and the fenced write is a
// transaction that puts the resource key only if the leader key still has
// that create revision. Each candidate has its own client talking to one
// node only; the observer's client talks to all of them.
package etcd
