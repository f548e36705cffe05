// Package matrix runs a matrix of plans ([plan.Matrix]: a base plan, axes
// whose every combination is one run, and plan files) one after another,
// each as `chaos run` would through [runner.Run], under one directory
// ROOT/NAME/STAMP/. After each run it rewrites the matrix's index.html,
// its combined junit.xml and matrix.json ([reports.Matrix]), so that a
// matrix cut short still leaves them; its verdict and exit code come from
// its runs ([Outcome.Err]).
//
// A matrix repeated (`--count`, [plan.Matrix.Expand]) lists its runs by
// cell on its index, each cell with its detection rate. A shard
// ([Config.Shard]) runs its part of the list and records which list it is
// part of; [Merge] combines the shards' directories into one, refusing
// shards that are not parts of one matrix.
//
// It sits on top of runner; sweep sits on top of it (Config.AfterRun);
// nothing below them imports either.
package matrix
