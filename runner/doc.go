// Package runner does one run from plan to verdict, and is the only package
// that knows every other one.
//
// It owns:
//
//   - the [Plan]: what to run, read strictly from YAML ([LoadPlan]) and/or
//     flags ([Plan.SetFlag]) over [DefaultPlan]; every mistake in it is a
//     [PlanError] naming the file, line (or flag) and field, exit code 254;
//   - the run directory ([NewRunDir]): runs/NAME/TIME/ with the resolved
//     plan, history, results, report, JUnit XML and container logs, and the
//     runs/latest links;
//   - the live progress line ([Progress]);
//   - [Run]: cluster up, workload and nemesis for the plan's duration, heal,
//     recovery, tear down, check, write the artifacts — with every fault
//     healed and every container removed whatever happens (Ctrl-C
//     included);
//   - [Check]: the checkers over a history already on disk;
//   - the exit codes of DESIGN.md ([ExitCode]).
//
// Nothing imports runner but cmd/chaos.
package runner
