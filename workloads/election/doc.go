// Package election owns the election workload: one candidate per node,
// each talking only to its own node, campaigning for leadership and, while
// it believes it leads, writing to a shared resource with its fencing
// token; and an observer recording the backend's own view of the leader.
// Every operation is recorded in the history as an invoke and exactly one
// completion (see docs/history.md); a process whose op ended in info retires
// and its node's next candidate is "n1#2", "n1#3", ...
//
// The resource runs in one of three modes: "none" accepts every write,
// "token" rejects tokens lower than the highest it accepted, "backend"
// asks the candidate for the backend's own fenced write.
//
// [Workload.Freeze] is the client pause: the candidate's connections stop
// (keepalives included) and its loop stops between its leadership check
// and its next write, so when it thaws it makes that write on what it
// believed before the pause.
//
// [Workload.Crash] is the client kill: the candidate's process dies at
// once, its connections closed and its timers stopped, without resigning
// or releasing anything, so its lease or session in the backend stays
// until it expires; its end (the lost of its leadership, or its
// outstanding op ending info) is recorded after the fault. [Workload.Restart]
// starts the node's next process, a fresh candidate.
package election
