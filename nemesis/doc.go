// Package nemesis injects faults: each [Fault] is a start and a heal that
// undoes it, idempotent and run even when the run is cancelled. Partitions
// are grudges (node → nodes whose traffic it drops) in the shapes of
// Jepsen's nemeses; pauses and kills act on nodes chosen by role (the
// leader, a minority, a majority, one at random) or by name; a client
// pause freezes a candidate, a client kill crashes one (its fresh
// successor starts at the heal); the clock faults set a candidate's clock,
// or with clock: node a server node's through the cluster's optional
// [NodeClocks]. A [Nemesis] runs a schedule drawn from one seeded random
// source, records every start and heal in the history (values of type
// history.Fault) when it is in effect, and heals everything before it
// returns.
//
// The schedule keeps to its fault window, the deadline of the context
// [Nemesis.Run] is given: a fault starts only when its start, the time it
// is held (its duration) and its heal all fit before the window ends. A
// start and a heal each get a budget: 1 s for the faults that act on the
// nodes (through the Docker Engine API or the plan's commands: a pause, a
// kill, a netctl sidecar on every node for a cut, a node's clock), 250 ms
// for those that act in the harness's own process (a client pause or kill, the
// client-side proxies, a candidate's clock). An 8 s pause thus needs 10 s of the window. Near the end of the window the draw is among the faults that
// still fit; when none does, the schedule is over. While every fault fits
// the draws are those of a schedule without a window, so a seed replays
// the same faults.
//
// A step that fails is a [*FaultError]: the fault, the node, the step
// (start or heal) and what it was doing, with the raw error. Its Sentence
// says it in plain words for a report ("partition isolate-leader: could
// not cut n2's links: timed out"); [FaultErrors] finds them in the error
// Run and HealAll return.
package nemesis
