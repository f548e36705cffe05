package reports

import "slices"

// FaultError is a fault that failed to start or to heal, as results.json
// lists it (fault_errors): the plain sentence a person reads, and the raw
// error for whoever debugs the harness. The runner fills it from the
// nemesis's errors (nemesis.FaultError), which reports cannot import.
type FaultError struct {
	// Fault is the fault as the plan names it: "partition isolate-leader".
	Fault string `json:"fault"`
	// Kind is its kind: "partition".
	Kind string `json:"kind"`
	// Node is the node the failed step acted on, when it was one node's.
	Node string `json:"node,omitempty"`
	// Step is "start" or "heal".
	Step string `json:"step"`
	// Sentence says what failed in plain words: "partition
	// isolate-leader: could not cut n2's links: timed out".
	Sentence string `json:"sentence"`
	// Error is the raw error, URLs and all.
	Error string `json:"error"`
}

// AddFaultError lists fe in FaultErrors and its sentence in Warnings
// ("nemesis: " and the sentence), which the report and the text summary
// show: they never show the raw error. A sentence already among the
// warnings (a heal that failed again when retried) is not repeated.
func (f *ResultsFile) AddFaultError(fe FaultError) {
	f.FaultErrors = append(f.FaultErrors, fe)
	if w := "nemesis: " + fe.Sentence; !slices.Contains(f.Warnings, w) {
		f.Warnings = append(f.Warnings, w)
	}
}
