// Package register is the Jepsen register workload: several client
// processes per node, each bound to its node, read, write and
// compare-and-set a handful of keys through the backend's register client
// ([targets.Register]) and record every op in the history (docs/history.md's
// register vocabulary) for the linearizability checker. An op that times
// out or loses its connection completes as info, and its process retires:
// the next process on that slot has a new name ("n1/r2#2").
package register
