// Package targettest holds the conformance tests every election backend
// passes against its real cluster: the probe, the token being the
// backend's own record of the leader, strictly increasing tokens over
// successive leaders, Lost when the backend ends the leadership, fenced
// writes with a stale token rejected, and the observer following the
// leader. A backend's Docker test brings its cluster up and hands its raw
// operations over as a [Backend]. [RunNamespaced] and [RunRegister] check
// a backend's key root and register clients the same way, and
// [RunLeaseStore] its lease.Store (the record, the epoch that only a
// takeover moves, fenced writes by epoch; [CheckLeaseStoreKeys] its keys
// without a cluster).
//
// The checks every backend's own tests share are here too: of options,
// without a cluster ([CheckKeys], [CheckInvalid]); and, against a secured
// node, a leadership with a fenced write ([Lead]), a clean root
// ([Clean]) and the accesses the node refuses ([CheckRefused]), with
// [Certs] for TLS.
package targettest
