// Package plan is what to run, as a type: the [Plan] (backend, nodes,
// workload, resource, faults, durations, checker limits, an external
// cluster), read strictly from YAML ([Load], [Parse]) and/or flags
// ([Flags], [Plan.SetFlag]) over [Default], checked by [Plan.Validate].
// Every mistake is an [Error] naming the file and line (or the flag) and
// the field, exit code 254; one pass reports them all ([AllErrors]).
//
// The resolved plan, seed included, is saved in the run directory
// ([Plan.YAML], [FileName]) so that a run can be replayed. A plan hands
// on what each package takes: [Plan.NemesisSpec], [Plan.CheckerOptions],
// [Plan.NewTarget], [Plan.LoadAccess]. A matrix file ([LoadMatrix]) is a
// base plan, axes and plan files expanded into plans.
//
// It imports nothing that starts containers, clients or faults.
package plan
