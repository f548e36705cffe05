// Package checkers turns a history into a verdict. Every checker is a pure
// function of the ops: it never touches Docker or the network, so any
// history on disk can be checked again later (`chaos check`).
//
// The election checkers ([Election]) share one pass over the history
// ([analyze]) that builds, per process, its leadership intervals (from the
// ok of a campaign to the first of its lost notification, the ok of its
// resign, any of its ops ending in info, or the end of the history), its
// writes with their tokens and outcomes, the completed grants, and the
// nemesis faults. On that:
//
//   - dual-leaders: two leadership intervals overlap. If both processes had
//     a write accepted (ok) that was invoked inside the overlap, the
//     resource saw two leaders act at once: split brain with effect,
//     invalid. Otherwise the overlap is contained (the stale side was
//     fenced off or did not act): reported with its duration, valid unless
//     Options.Strict.
//   - token-order: each grant must carry a token greater than every grant
//     completed before it; a token granted twice or a lower one is a
//     backend safety violation, invalid.
//   - stale-writes: a write carrying token T invoked after a grant T' > T
//     completed was made by a zombie leader (attempted, counted); if the
//     resource accepted it, fencing failed: invalid.
//   - liveness: figures (time without a leader, failover time after each
//     fault that removed the leader, elections per minute, leadership
//     durations), and limits on them from Options.
//   - vacuity: a history in which no fault took effect, or with too few
//     completed client ops, proves nothing: unknown, never valid.
//
// The register checker ([Linearizable]) runs porcupine over the read,
// write and cas ops that carry a key, one search per key against a
// compare-and-set register: info ops are open-ended (they may take effect
// at any time after their invocation), failed writes and reads did not
// happen, a failed cas saw another value. A search cut short by its time
// limit is unknown. On a failure it names the key, the op the search
// could not place and the ops concurrent with it, and saves porcupine's
// visualization.
//
// Verdicts combine as Jepsen's: invalid beats unknown beats valid ([Worst]).
package checkers
