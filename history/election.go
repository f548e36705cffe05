package history

// The values the election workload records (docs/history.md, "Election
// workload"). Their fields are declared in the order of their JSON keys:
// encoding/json writes a struct's fields in declaration order and a map's
// keys sorted, and the workload wrote maps before it had these types, so
// histories stay byte for byte what they were. Readers must not depend on
// the order of keys.

// Campaign is the value of a campaign's ok: the fencing token of the
// leadership granted.
type Campaign struct {
	Token uint64 `json:"token"`
}

// Write is the value of the election workload's write, on its invoke and
// its completion: the writer's token and the write's sequence number.
type Write struct {
	Seq   int64  `json:"seq"`
	Token uint64 `json:"token"`
}

// Resign is the value of a resign, on its invoke and its completion: the
// token of the leadership given up.
type Resign struct {
	Token uint64 `json:"token"`
}

// Lost is the value of a lost notification: the token of the leadership
// that ended, and why the candidate thinks it did.
type Lost struct {
	Reason string `json:"reason"`
	Token  uint64 `json:"token"`
}
