package checkers

import (
	"fmt"
	"time"

	"github.com/anishathalye/porcupine"
)

// Register op kinds, as the search sees them.
const (
	regRead uint8 = iota
	regWrite
	regCas
)

// Register op outcomes.
const (
	regOK      uint8 = iota
	regFailed        // cas: the value was not from
	regUnknown       // completed info, or never completed: it may or may not have happened
)

// regOp is one register op of a key. Values are ids into the key's
// table of canonical values (regKey.values), so the search compares
// integers; porcupine, drawing a search, gets a pointer to it as both the
// input and the output of the operation.
type regOp struct {
	f, outcome uint8
	arg        int32 // read: the value read; write: the value written; cas: from
	to         int32 // cas
	client     int
	index      int64 // the invoke's index in the history
	doneIndex  int64 // the completion's (the invoke's when there is none)
	process    string
	invoked    time.Duration
	ended      time.Duration // math.MaxInt64 when the outcome is unknown
}

// regModel is the register as a porcupine model, for porcupine to draw
// a failed search (visualize): its states are value ids.
func regModel(k *regKey) porcupine.Model {
	return porcupine.Model{
		Init: func() any { return int32(0) },
		Step: func(state, input, _ any) (bool, any) {
			ok, next := input.(*regOp).apply(state.(int32))
			return ok, next
		},
		DescribeOperation: func(input, _ any) string { return k.describe(input.(*regOp)) },
		DescribeState:     func(state any) string { return k.values[state.(int32)] },
	}
}

// describe words an op of k for the anomaly and the visualization.
func (k *regKey) describe(op *regOp) string {
	values := k.values
	suffix := ""
	if op.outcome == regUnknown {
		suffix = " (unknown outcome)"
	}
	switch op.f {
	case regRead:
		return fmt.Sprintf("%s: read %s%s", op.process, values[op.arg], suffix)
	case regWrite:
		return fmt.Sprintf("%s: write %s%s", op.process, values[op.arg], suffix)
	default:
		verdict := "ok"
		if op.outcome == regFailed {
			verdict = "failed"
		}
		return fmt.Sprintf("%s: cas %s→%s %s%s", op.process, values[op.arg], values[op.to], verdict, suffix)
	}
}
