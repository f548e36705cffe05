// Package nemesis injects faults: each [Fault] is a start and a heal that
// undoes it, idempotent and run even when the run is cancelled. Partitions
// are grudges (node → nodes whose traffic it drops) in the shapes of
// Jepsen's nemeses; pauses and kills act on nodes chosen by role (the
// leader, a minority, a majority, one at random) or by name; a client
// pause freezes a candidate. A [Nemesis] runs a schedule drawn from one
// seeded random source, records every start and heal in the history when
// it is in effect, and heals everything before it returns.
package nemesis
