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
//     invalid. Otherwise the overlap is contained (the resource rejected
//     the stale side, or saw its writes only before the new leader's, or
//     it did not act): reported with its duration, valid unless
//     Options.Strict.
//   - token-order: each grant must carry a token greater than every grant
//     completed before it; a token granted twice or a lower one is a
//     backend safety violation, invalid.
//   - stale-writes: a write carrying token T invoked after a grant T' > T
//     completed was made by a zombie leader (attempted, counted). The
//     resource accepting token T after it had accepted a write of a token
//     T' > T is invalid whoever wrote: a failed fence, or, with no fence,
//     writes interleaved out of order.
//   - ungranted-writes: a write by a process that had not been granted the
//     token it carries (never granted anything, or not that token):
//     invalid when the resource accepted it.
//   - liveness: figures (time without a leader from the first campaign
//     invoke on, failover time after each fault that removed the leader,
//     the faults the leader survived, partitions that left no side a
//     majority, elections per minute, leadership durations), and limits on
//     them from Options. A fault removes the leader only when it hit it
//     (its node, its process, or cut it from every majority) and, while it
//     was in effect, that leadership ended or another leader was granted
//     or shown by the observer; a leader it hit that kept leading survived.
//     A fault only on the links between nodes (link-delay, link-loss,
//     flaky) hits no leader, and a one-way cut hits it only when it drops
//     the leader's own traffic. A leadership change (a takeover, or a
//     grant after the leader lost) that no fault removing the old leader
//     explains is a false failover: a note naming the faults in effect,
//     counted, and fatal only past Options.Limits.MaxFalseFailovers.
//   - vacuity: a history in which no fault took effect, with too few
//     completed client ops, or (election) with no grant at all proves
//     nothing: unknown, never valid.
//
// The sentences say what the history shows (rejected, not interleaved,
// in token order), never what the resource was meant to do: a history
// from a resource with no fence reads as truthfully as one with.
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
