package history

import (
	"encoding/json"
	"fmt"
	"time"
)

// Type is the kind of a history line.
type Type string

// The four types of docs/history.md.
const (
	Invoke Type = "invoke" // an operation begins
	OK     Type = "ok"     // it took effect
	Fail   Type = "fail"   // it certainly did not take effect
	Info   Type = "info"   // unknown outcome, or a standalone notification
)

// Valid reports whether t is one of the four types.
func (t Type) Valid() bool {
	switch t {
	case Invoke, OK, Fail, Info:
		return true
	}
	return false
}

// Well-known processes.
const (
	Nemesis  = "nemesis"
	Observer = "observer"
)

// Operation names of the election, register and nemesis vocabularies.
const (
	FCampaign   = "campaign"
	FLost       = "lost"
	FResign     = "resign"
	FWrite      = "write"
	FLeader     = "leader"
	FRead       = "read"
	FCas        = "cas"
	FFaultStart = "fault-start"
	FFaultHeal  = "fault-heal"
	FFaultError = "fault-error"
)

// Op is one line of a history.
//
// Value is kept as raw JSON so that a history read and written again is
// unchanged, and so that a value of any shape (a register's value, a user's
// own notification) survives; [Op.Fields] decodes the well-known fields.
type Op struct {
	Index   int64           `json:"index"`
	Time    time.Duration   `json:"time"` // since the run started, nanoseconds
	Process string          `json:"process"`
	Node    string          `json:"node,omitempty"`
	Type    Type            `json:"type"`
	F       string          `json:"f"`
	Value   json.RawMessage `json:"value,omitempty"`
	Err     string          `json:"error,omitempty"`
}

// IsClient reports whether the op belongs to a client process (not the
// nemesis and not the observer).
func (o *Op) IsClient() bool { return o.Process != Nemesis && o.Process != Observer }

// Fields are the well-known keys of an op's value across the election,
// register and nemesis vocabularies (docs/history.md, "Values"). Absent
// keys are nil.
type Fields struct {
	Token  *uint64         `json:"token,omitempty"`
	Seq    *int64          `json:"seq,omitempty"`
	Reason string          `json:"reason,omitempty"`
	Leader *string         `json:"leader,omitempty"`
	Key    *string         `json:"key,omitempty"`
	Value  json.RawMessage `json:"value,omitempty"`
	From   json.RawMessage `json:"from,omitempty"`
	To     json.RawMessage `json:"to,omitempty"`
	Fault  string          `json:"fault,omitempty"`
	Nodes  []string        `json:"nodes,omitempty"`
	Groups [][]string      `json:"groups,omitempty"`
	// Grudge maps a node to the nodes whose traffic it drops (partitions
	// shaped without groups: majority-ring, bridge).
	Grudge  map[string][]string `json:"grudge,omitempty"`
	Process string              `json:"process,omitempty"` // a client-pause's or client-kill's victim
}

// Fields decodes the well-known keys of the op's value. A value that is
// absent, null or not an object gives empty Fields and no error.
//
// Keys match as [Read] matches them: exactly (case-sensitive) and only at
// the top level of the value, so "Token" is an unknown key and a "token"
// inside a register's value is not the op's. For an op that [Read]
// accepted, every field its kind of op reads has decoded (Read checked
// it); a field of the wrong type where no rule reads it, or in an op built
// in memory, is the error (the other fields are still decoded), as is a
// value that is not JSON.
func (o *Op) Fields() (Fields, error) {
	var f Fields
	if len(o.Value) == 0 || o.Value[0] != '{' {
		return f, nil
	}
	if !json.Valid(o.Value) {
		var x any
		return f, json.Unmarshal(o.Value, &x)
	}
	var t topKeys
	scanTopKeys(o.Value, &t)
	var first error
	decode := func(k vkey, dst any) bool {
		if !t.has(k) {
			return false
		}
		err := json.Unmarshal(t.val[k], dst)
		if err != nil && first == nil {
			first = fmt.Errorf("value.%s: %w", keyNames[k], err)
		}
		return err == nil
	}
	var tok *uint64
	if decode(kToken, &tok) {
		f.Token = tok
	}
	var seq *int64
	if decode(kSeq, &seq) {
		f.Seq = seq
	}
	decode(kReason, &f.Reason)
	decode(kLeader, &f.Leader)
	decode(kKey, &f.Key)
	decode(kValue, &f.Value)
	decode(kFrom, &f.From)
	decode(kTo, &f.To)
	decode(kFault, &f.Fault)
	decode(kNodes, &f.Nodes)
	decode(kGroups, &f.Groups)
	decode(kGrudge, &f.Grudge)
	decode(kProcess, &f.Process)
	return f, first
}

// MustValue encodes v as an op value; it panics only when v cannot be
// encoded as JSON, which is a programmer error.
func MustValue(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("history: value cannot be encoded: " + err.Error())
	}
	return b
}
