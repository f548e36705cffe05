// Package targets owns what the harness knows about an election backend
// from the client side: a [Target] makes [Candidate]s (one per node, each
// talking only to its own node) that campaign for leadership and write to
// the shared resource with a fencing token, and an [Observer] that reports
// the backend's own view of who leads. One sub-package per backend
// implements it: etcd, zookeeper, consul.
//
// Outcomes a workload must tell apart are sentinel errors: a write fenced
// off by the backend wraps [ErrRejected]; a campaign that certainly did not
// make the candidate leader wraps [ErrNotElected]. Any other error is an
// unknown outcome.
//
// Against a cluster the user already runs, every client a target makes
// connects as an [Access] says (TLS, credentials; its secrets are never
// printed), and a [Namespaced] target keeps every key it writes under one
// root, which it can list (a run starts only on an empty root) and clean
// (nothing is left behind).
//
// What every backend does alike is here once: a backend's Target embeds a
// [Namespace] (its root, the register workload's prefix, the check that
// its keys lie under the root) and keeps its [Access] apart
// ([Access.Take]); a candidate embeds a [Leadership] (the lost signal)
// and runs the watchers of a won campaign in a [Watch], which reports
// the first loss once and stops with the candidate's next campaign,
// resignation or Close.
package targets
