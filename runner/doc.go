// Package runner does one run from a [plan.Plan] to a verdict, and is the
// only package that knows every package below it.
//
// It owns:
//
//   - the run directory ([NewRunDir]): runs/NAME/TIME/ with the resolved
//     plan, history, results, report, JUnit XML and container logs, and the
//     runs/latest links ([NewGroupDir] for a matrix's directory);
//   - the live progress line ([Progress]);
//   - [Run]: cluster up, workload and nemesis for the plan's duration, heal,
//     recovery, tear down, check, write the artifacts — with every fault
//     healed and every container removed whatever happens (Ctrl-C
//     included);
//   - [Check] and [Report]: the checkers over a history already on disk,
//     and the report again from saved results;
//   - the host's commands: [Down] (leftovers of any run), [BuildImages],
//     and [Netctl], what the network sidecar runs;
//   - the exit codes of DESIGN.md ([ExitCode]).
//
// Only cmd/chaos and the packages of many runs (matrix, bench) import it.
package runner
