// Package lease is leader election by a lease record: one key holding
// {holder, expires}, renewed by compare-and-set, taken over when it looks
// expired — what client-go's leaderelection does on a Lease object and
// what most home-grown elections do on a database row. It runs on any
// backend through a [Store] (each backend's conditional write) and gives
// a [targets.Candidate] for the election workload.
//
// Two recipes:
//
//   - lease-timestamp: the record stores expires = the holder's clock +
//     the lease duration; a candidate takes over when its own clock is past
//     expires; the holder renews every RenewEvery and stops leading when
//     its own clock passes its expires without a renewal. It reads time
//     through a Clock the run controls, so clock faults reach it: sensitive
//     to skew by design.
//   - lease-observed: k8s.io/client-go/tools/leaderelection's
//     LeaderElector over a resourcelock on the Store. client-go trusts only
//     its own observation times (the real clock), not the record's
//     timestamps: offset-immune by design.
//
// The fencing token is the Store's epoch, moved only by a takeover.
//
// The record is JSON ([Record]): holder, expires (RFC 3339 by the
// holder's clock), lease duration, acquired, renewed, transitions. A
// release writes holder "" without expires, by Renew: the epoch stays
// until the next takeover.
//
// lease-timestamp ([NewTimestamp]) reads its clock through Config.Clock
// and sleeps on the real clock, so a holder whose clock is set back writes
// an expires that is already past for the others: they take over while it
// still leads, until its renewal meets their write or its clock passes
// its expires — the anomaly the recipe is there to show.
//
// lease-observed ([NewObserved]) runs leaderelection.LeaderElector from
// k8s.io/client-go unchanged. Its clock is the real one and cannot be
// replaced (Config.Clock does not reach it). It writes the lease duration
// in whole seconds, so it needs a Duration of a second or more
// ([CheckObserved]). Its klog output goes through the context to
// Config.Log at debug level, never to stderr. Two of client-go's own
// behaviours show through, as on a real Lease: it signals the loss
// (OnStoppedLeading) only after its release attempt, which waits up to
// RenewDeadline on a hung store, so a cut-off leader may still lead when
// another takes over; and its release writes at the version of its last
// read, so releasing after a takeover it missed overwrites the new
// holder's record (the epoch, and so the fencing, stays the new holder's).
//
// [MemStore] is the Store in memory, for unit tests.
package lease
