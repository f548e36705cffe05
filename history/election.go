package history

import (
	"encoding/json"
	"strconv"
)

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
	// TookOver, optional, is what the campaign took over: written by the
	// lease-timestamp recipe when the record it took named another holder.
	TookOver *TookOver `json:"took_over,omitempty"`
}

// TookOver is the lease record a campaign took over: its holder, and how
// far the expiry that holder's clock stamped on it lay ahead of true time
// at the takeover, in nanoseconds (negative: it had passed). A positive
// ExpiresInNanos is a takeover before the lease ended — a candidate whose
// clock runs ahead, for one. It is informational: no verdict reads it;
// the liveness figures count the early ones.
type TookOver struct {
	ExpiresInNanos int64  `json:"expires_in_ns"`
	From           string `json:"from"`
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

// TookOver returns what a campaign's ok says it took over: ok is false for
// other ops, and when the value has no well-formed took_over (an object
// with a string from and an integer expires_in_ns).
func (o *Op) TookOver() (t TookOver, ok bool) {
	if o.F != FCampaign || o.Type != OK || len(o.Value) == 0 {
		return TookOver{}, false
	}
	var raw []byte
	eachMember(o.Value, func(quoted, val []byte) {
		if string(quoted) == `"took_over"` {
			raw = val
		}
	})
	if raw == nil {
		return TookOver{}, false
	}
	var haveIn, haveFrom bool
	wellFormed := eachMember(raw, func(quoted, val []byte) {
		switch string(quoted) {
		case `"expires_in_ns"`:
			n, err := strconv.ParseInt(string(val), 10, 64)
			t.ExpiresInNanos, haveIn = n, err == nil
		case `"from"`:
			var s string
			haveFrom = json.Unmarshal(val, &s) == nil && len(val) > 0 && val[0] == '"'
			t.From = s
		}
	})
	if !wellFormed || !haveIn || !haveFrom {
		return TookOver{}, false
	}
	return t, true
}
