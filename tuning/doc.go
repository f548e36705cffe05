// Package tuning is the backends' own timing settings, between the plan
// (which reads and checks them) and compose (which starts the servers with
// them): etcd's heartbeat interval and election timeout ([Etcd]),
// ZooKeeper's tickTime ([ZooKeeper]) and Consul's Raft multiplier
// ([Consul]), together a [Settings].
//
// A zero field is the setting the compose files have always used (etcd's
// and Consul's as shipped, ZooKeeper's tickTime of 500 ms), so a plan that
// sets none runs the servers as before. Each type checks its values as the
// backend itself does ([Problem], with the backend's source cited where
// the check is), and says what follows from them that a plan must fit:
// etcd's shortest lease ([Etcd.MinLeaseTTL]), the session timeouts a
// ZooKeeper ensemble grants ([ZooKeeper.SessionTimeouts]).
//
// It imports only the standard library.
package tuning
