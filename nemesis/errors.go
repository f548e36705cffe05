package nemesis

import (
	"errors"
	"strings"
)

// The steps of a fault a [FaultError] names.
const (
	StepStart = "start"
	StepHeal  = "heal"
)

// FaultError is one step of a fault that failed: which fault, which node,
// what it was doing, and the error it got. [Nemesis.Run] and
// [Nemesis.HealAll] return nothing else (joined, when several failed; see
// [FaultErrors]).
//
// Error keeps the raw error, for logs and the history's fault-error ops;
// Sentence says the same in one plain line for a person, without URLs or
// the Docker API's chain of contexts.
type FaultError struct {
	// Fault is the fault as the plan names it: its kind and its shape or
	// victim ("partition isolate-leader", "pause leader").
	Fault string
	// Kind is the fault's kind ("partition").
	Kind string
	// Node is the node the failed step acted on; "" when it acted on no
	// single node (a partition's cut, choosing a victim).
	Node string
	// Step is StepStart or StepHeal.
	Step string
	// Action is what the step could not do, a verb phrase: "cut n2's
	// links", "pause n3", "restart n3".
	Action string
	// Err is the error the step got.
	Err error
}

// Error is the step, the fault, the action and the raw error: "start
// partition isolate-leader: cut n2's links: cut: … context deadline
// exceeded".
func (e *FaultError) Error() string {
	var parts []string
	if head := strings.TrimSpace(e.Step + " " + e.Fault); head != "" {
		parts = append(parts, head)
	}
	if e.Action != "" {
		parts = append(parts, e.Action)
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	return strings.Join(parts, ": ")
}

func (e *FaultError) Unwrap() error { return e.Err }

// Sentence says in one plain line what failed: "partition isolate-leader:
// could not cut n2's links: timed out", "pause leader: the heal could not
// unpause n3: connection refused".
func (e *FaultError) Sentence() string {
	fault := e.Fault
	if fault == "" {
		fault = "a fault"
	}
	action := e.Action
	if action == "" {
		action = "start it"
		if e.Step == StepHeal {
			action = "heal it"
		}
	}
	verb := "could not "
	if e.Step == StepHeal && e.Action != "" {
		verb = "the heal could not "
	}
	return fault + ": " + verb + action + ": " + plainCause(e.Err)
}

// FaultErrors returns every [FaultError] in err's tree (errors joined or
// wrapped), in order; nil when there is none.
func FaultErrors(err error) []*FaultError {
	var out []*FaultError
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*FaultError); ok {
			out = append(out, fe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// failed is the error of one action of a fault on node ("" for none); the
// nemesis fills in the fault and the step (stamp).
func failed(node, action string, err error) *FaultError {
	return &FaultError{Node: node, Action: action, Err: err}
}

// stamp names the fault and the step in every FaultError of err, wrapping
// err in one when it has none, and returns it.
func stamp(err error, spec FaultSpec, step string) error {
	if err == nil {
		return nil
	}
	fes := FaultErrors(err)
	if len(fes) == 0 {
		fe := &FaultError{Err: err}
		err, fes = fe, []*FaultError{fe}
	}
	for _, fe := range fes {
		fe.Fault, fe.Kind, fe.Step = label(spec), spec.Kind, step
	}
	return err
}

// joinFailures joins errs, dropping nils: nil when none failed.
func joinFailures(errs []*FaultError) error {
	var out []error
	for _, e := range errs {
		if e != nil {
			out = append(out, e)
		}
	}
	return errors.Join(out...)
}
