package checkers

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/chaos-election/chaos/history"
)

// DefaultLinearizableTimeout bounds the search of one key's history; a
// key whose search runs out of time makes the verdict unknown.
const DefaultLinearizableTimeout = 60 * time.Second

// LinearizabilityFile is the visualization saved beside the history when a
// key's history cannot be linearized.
const LinearizabilityFile = "linearizability.html"

// Linearizable checks the register ops of a history (read, write and cas
// with a "key", docs/history.md) against a compare-and-set register per key:
// porcupine's search, specialized to the register (searchKey), and
// porcupine's drawing of it when a key fails. Values are compared as
// JSON values, not as text (canonicalJSON): `{"b":2,"a":1}` reads what
// `{"a":1,"b":2}` wrote, and 1.0 what 1 did. An op that completed `info`
// may have taken effect at any time after its invocation, so its return
// is open-ended; failed writes and reads did not happen and are left
// out; a failed cas says the value was not the one it expected. A search
// that runs out of time is unknown, never a verdict.
type Linearizable struct {
	// Timeout bounds the search of each key (0 = DefaultLinearizableTimeout).
	Timeout time.Duration
	// Dir, when set, is where LinearizabilityFile is written on a failure.
	Dir string
	// MinOps: fewer register ops make the verdict unknown (0 = no minimum).
	MinOps int
}

// Name returns "linearizable".
func (l *Linearizable) Name() string { return "linearizable" }

// Check searches each key's ops for a linearization.
func (l *Linearizable) Check(ctx context.Context, h []history.Op) Result {
	res := Result{Checker: l.Name(), Validity: Valid, Figures: map[string]float64{}}
	byKey, err := registerOps(h)
	if err != nil {
		res.Validity, res.Summary = Unknown, err.Error()
		return res
	}
	total := 0
	keys := make([]string, 0, len(byKey))
	for k, kh := range byKey {
		keys = append(keys, k)
		total += len(kh.calls)
	}
	sort.Strings(keys)
	res.Figures["keys"], res.Figures["ops"] = float64(len(keys)), float64(total)
	if total < l.MinOps {
		res.Validity = Unknown
		res.Anomalies = append(res.Anomalies, Anomaly{
			Kind: "too-few-ops", Fatal: true, Ops: []int64{},
			Message: fmt.Sprintf("only %s, fewer than the minimum of %d: too little happened to judge", plural(total, "register op", "register ops"), l.MinOps),
		})
		res.Summary = "vacuous: too-few-ops"
		return res
	}
	if total == 0 {
		res.Summary = "no register ops"
		return res
	}
	timeout := l.Timeout
	if timeout == 0 {
		timeout = DefaultLinearizableTimeout
	}
	start := time.Now()
	var unknownKeys []string
	for _, k := range keys {
		if ctx.Err() != nil {
			unknownKeys = append(unknownKeys, k)
			continue
		}
		kh := byKey[k]
		switch verdict, best := searchKey(ctx, kh, timeout); verdict {
		case searchUnknown:
			unknownKeys = append(unknownKeys, k)
		case searchIllegal:
			res.Anomalies = append(res.Anomalies, nonLinearizable(kh, best))
			if l.Dir != "" && len(res.Files) == 0 {
				if err := visualize(kh, timeout, filepath.Join(l.Dir, LinearizabilityFile)); err == nil {
					res.Files = append(res.Files, LinearizabilityFile)
				}
			}
		}
	}
	res.Figures["check_s"] = time.Since(start).Seconds()
	res.Figures["keys_unknown"] = float64(len(unknownKeys))
	res.Figures["keys_invalid"] = float64(len(res.Anomalies))
	switch {
	case len(res.Anomalies) > 0:
		res.Validity = Invalid
		res.Summary = fmt.Sprintf("%d of %d keys not linearizable", len(res.Anomalies), len(keys))
		if len(res.Files) > 0 {
			res.Summary += "; see " + res.Files[0]
		}
	case len(unknownKeys) > 0:
		res.Validity = Unknown
		res.Summary = fmt.Sprintf("the search ran out of time (%s per key) on %d of %d keys: %s",
			timeout, len(unknownKeys), len(keys), strings.Join(unknownKeys, ", "))
	default:
		res.Summary = fmt.Sprintf("%d register ops on %d keys, linearizable", total, len(keys))
	}
	return res
}

// visualize has porcupine search kh again, keeping what it needs to draw
// the search (partial linearizations for every op), and writes the
// drawing to path.
func visualize(kh *regKey, timeout time.Duration, path string) error {
	model := regModel(kh)
	verdict, info := porcupine.CheckOperationsVerbose(model, kh.operations(), timeout)
	if verdict != porcupine.Illegal {
		return fmt.Errorf("visualizing key %s: porcupine's search said %v", kh.name, verdict)
	}
	if err := porcupine.VisualizePath(model, info, path); err != nil {
		return fmt.Errorf("visualizing key %s: %w", kh.name, err)
	}
	return nil
}

// nonLinearizable words the failure of key kh: the op that cannot follow
// best, the longest partial linearization the search reached, with the
// ops concurrent with it — the smallest window the search points at.
func nonLinearizable(kh *regKey, best []int32) Anomaly {
	ops := kh.calls
	a := Anomaly{Kind: "not-linearizable", Fatal: true}
	placed := make([]bool, len(ops))
	for _, id := range best {
		placed[id] = true
	}
	// The first op (by invocation) outside the longest partial
	// linearization is where the search got stuck.
	stuck := -1
	for id := range ops {
		if !placed[id] && (stuck < 0 || ops[id].invoked < ops[stuck].invoked) {
			stuck = id
		}
	}
	if stuck < 0 {
		a.Message = fmt.Sprintf("key %s: no linearization of its %d ops exists", kh.name, len(ops))
		return a
	}
	st := &ops[stuck]
	window := []int{stuck}
	for id := range ops {
		if o := &ops[id]; id != stuck && o.invoked <= st.ended && st.invoked <= o.ended {
			window = append(window, id)
		}
	}
	procs := map[string]bool{}
	for _, id := range window {
		c := &ops[id]
		a.Ops = append(a.Ops, c.index, c.doneIndex)
		procs[c.process] = true
		if c.outcome == regUnknown && id != stuck {
			continue // open-ended: its invocation may lie far back, and it has no end
		}
		if a.Start == 0 || c.invoked < a.Start {
			a.Start = c.invoked
		}
		if c.outcome != regUnknown {
			a.End = max(a.End, c.ended)
		}
	}
	slices.Sort(a.Ops)
	a.Ops = slices.Compact(a.Ops)
	for p := range procs {
		a.Processes = append(a.Processes, p)
	}
	sort.Strings(a.Processes)
	a.Message = fmt.Sprintf("key %s: %s at %.2f s cannot be linearized after the %s before it (%s concurrent with it)",
		kh.name, kh.describe(st), st.invoked.Seconds(), plural(len(best), "op", "ops"), plural(len(window)-1, "op", "ops"))
	return a
}
