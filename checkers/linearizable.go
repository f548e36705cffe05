package checkers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
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
// with a "key", HISTORY.md) against a compare-and-set register per key,
// with porcupine. An op that completed `info` may have taken effect at any
// time after its invocation, so its return is open-ended; failed writes
// and reads did not happen and are left out; a failed cas says the value
// was not the one it expected. A search that runs out of time is unknown,
// never a verdict.
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

// regInput is one register op as the model sees it.
type regInput struct {
	f              string // read, write, cas
	value          string // write: the value written (compact JSON)
	from, to       string // cas
	index          int64  // the invoke's index in the history
	process        string
	invoked, ended time.Duration
}

// regOutput is what the op returned.
type regOutput struct {
	value   string // read: the value read ("null" when absent)
	failed  bool   // cas: the value was not from
	unknown bool   // completed info: it may or may not have happened
	index   int64  // the completion's index
}

// registerModel is a compare-and-set register whose state is the value's
// compact JSON ("null" before the first write).
var registerModel = porcupine.Model{
	Init: func() any { return "null" },
	Step: func(state, input, output any) (bool, any) {
		s, in, out := state.(string), input.(regInput), output.(regOutput)
		switch in.f {
		case history.FRead:
			return out.value == s, s
		case history.FWrite:
			return true, in.value
		case history.FCas:
			switch {
			case out.unknown && s == in.from:
				return true, in.to
			case out.unknown:
				return true, s
			case out.failed:
				return s != in.from, s
			default:
				return s == in.from, in.to
			}
		}
		return false, s
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(regInput), output.(regOutput)
		suffix := ""
		if out.unknown {
			suffix = " (unknown outcome)"
		}
		switch in.f {
		case history.FRead:
			return fmt.Sprintf("%s: read %s%s", in.process, out.value, suffix)
		case history.FWrite:
			return fmt.Sprintf("%s: write %s%s", in.process, in.value, suffix)
		default:
			verdict := "ok"
			if out.failed {
				verdict = "failed"
			}
			return fmt.Sprintf("%s: cas %s→%s %s%s", in.process, in.from, in.to, verdict, suffix)
		}
	},
	DescribeState: func(state any) string { return state.(string) },
}

// Check runs porcupine over each key's ops.
func (l *Linearizable) Check(ctx context.Context, h []history.Op) Result {
	res := Result{Checker: l.Name(), Validity: Valid, Figures: map[string]float64{}}
	byKey, err := registerOps(h)
	if err != nil {
		res.Validity, res.Summary = Unknown, err.Error()
		return res
	}
	total := 0
	keys := make([]string, 0, len(byKey))
	for k, ops := range byKey {
		keys = append(keys, k)
		total += len(ops)
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
		ops := byKey[k]
		verdict, info := porcupine.CheckOperationsVerbose(registerModel, ops, timeout)
		switch verdict {
		case porcupine.Unknown:
			unknownKeys = append(unknownKeys, k)
		case porcupine.Illegal:
			a := nonLinearizable(k, ops, info)
			res.Anomalies = append(res.Anomalies, a)
			if l.Dir != "" && len(res.Files) == 0 {
				if err := porcupine.VisualizePath(registerModel, info, filepath.Join(l.Dir, LinearizabilityFile)); err == nil {
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

// nonLinearizable words the failure of key: the op that no linearization
// of the longest linearizable prefix can take next, with the ops
// concurrent with it — the smallest window porcupine's search points at.
func nonLinearizable(key string, ops []porcupine.Operation, info porcupine.LinearizationInfo) Anomaly {
	a := Anomaly{Kind: "not-linearizable", Fatal: true}
	placed := map[int]bool{}
	if parts := info.PartialLinearizations(); len(parts) > 0 {
		longest := []int{}
		for _, p := range parts[0] {
			if len(p) > len(longest) {
				longest = p
			}
		}
		for _, id := range longest {
			placed[id] = true
		}
	}
	// The first op (by invocation) outside the longest partial
	// linearization is where the search got stuck.
	stuck := -1
	for id := range ops {
		if !placed[id] && (stuck < 0 || ops[id].Call < ops[stuck].Call) {
			stuck = id
		}
	}
	if stuck < 0 {
		a.Message = fmt.Sprintf("key %s: no linearization of its %d ops exists", key, len(ops))
		return a
	}
	s := ops[stuck]
	window := []int{stuck}
	for id, o := range ops {
		if id != stuck && o.Call <= s.Return && s.Call <= o.Return {
			window = append(window, id)
		}
	}
	procs := map[string]bool{}
	for _, id := range window {
		in, out := ops[id].Input.(regInput), ops[id].Output.(regOutput)
		a.Ops = append(a.Ops, in.index, out.index)
		procs[in.process] = true
		if out.unknown && id != stuck {
			continue // open-ended: its invocation may lie far back, and it has no end
		}
		if a.Start == 0 || in.invoked < a.Start {
			a.Start = in.invoked
		}
		if !out.unknown {
			a.End = max(a.End, in.ended)
		}
	}
	slices.Sort(a.Ops)
	a.Ops = slices.Compact(a.Ops)
	for p := range procs {
		a.Processes = append(a.Processes, p)
	}
	sort.Strings(a.Processes)
	in, out := s.Input.(regInput), s.Output.(regOutput)
	a.Message = fmt.Sprintf("key %s: %s at %.2f s cannot be linearized after the %s before it (%s concurrent with it)",
		key, registerModel.DescribeOperation(in, out), in.invoked.Seconds(), plural(len(placed), "op", "ops"), plural(len(window)-1, "op", "ops"))
	return a
}

// registerOps pairs the register ops of h by process and groups them by
// key, as porcupine operations.
func registerOps(h []history.Op) (map[string][]porcupine.Operation, error) {
	type pending struct {
		op     *history.Op
		fields history.Fields
	}
	open := map[string]pending{}
	clients := map[string]int{}
	out := map[string][]porcupine.Operation{}
	for i := range h {
		op := &h[i]
		if op.F != history.FRead && op.F != history.FWrite && op.F != history.FCas {
			continue
		}
		if op.Type == history.Invoke {
			f, err := op.Fields()
			if err != nil {
				return nil, fmt.Errorf("op %d: %w", op.Index, err)
			}
			if f.Key == nil {
				continue // an election write, not a register op
			}
			open[op.Process] = pending{op, f}
			continue
		}
		p, ok := open[op.Process]
		if !ok {
			continue
		}
		delete(open, op.Process)
		in := regInput{f: p.op.F, index: p.op.Index, process: op.Process, invoked: p.op.Time, ended: op.Time}
		o := regOutput{index: op.Index}
		ret := int64(op.Time)
		switch p.op.F {
		case history.FWrite:
			in.value = compact(p.fields.Value)
		case history.FCas:
			in.from, in.to = compact(p.fields.From), compact(p.fields.To)
		}
		switch op.Type {
		case history.OK:
			if p.op.F == history.FRead {
				f, err := op.Fields()
				if err != nil {
					return nil, fmt.Errorf("op %d: %w", op.Index, err)
				}
				o.value = compact(f.Value)
			}
		case history.Fail:
			if p.op.F != history.FCas {
				continue // did not happen
			}
			o.failed = true
		case history.Info:
			if p.op.F == history.FRead {
				continue // says nothing
			}
			o.unknown, ret = true, math.MaxInt64
			in.ended = time.Duration(math.MaxInt64)
		}
		id, ok := clients[op.Process]
		if !ok {
			id = len(clients)
			clients[op.Process] = id
		}
		out[*p.fields.Key] = append(out[*p.fields.Key], porcupine.Operation{
			ClientId: id, Input: in, Call: int64(p.op.Time), Output: o, Return: ret})
	}
	// Ops still open at the end of the history may have taken effect.
	for proc, p := range open {
		if p.op.F == history.FRead {
			continue
		}
		in := regInput{f: p.op.F, index: p.op.Index, process: proc, invoked: p.op.Time, ended: time.Duration(math.MaxInt64)}
		in.value, in.from, in.to = compact(p.fields.Value), compact(p.fields.From), compact(p.fields.To)
		id, ok := clients[proc]
		if !ok {
			id = len(clients)
			clients[proc] = id
		}
		out[*p.fields.Key] = append(out[*p.fields.Key], porcupine.Operation{
			ClientId: id, Input: in, Call: int64(p.op.Time), Output: regOutput{unknown: true, index: p.op.Index}, Return: math.MaxInt64})
	}
	return out, nil
}

// compact is v as compact JSON; absent is "null".
func compact(v json.RawMessage) string {
	if len(v) == 0 {
		return "null"
	}
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return string(v)
	}
	return b.String()
}
