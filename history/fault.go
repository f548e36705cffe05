package history

import (
	"encoding/json"
	"strconv"

	"github.com/chaos-election/chaos/internal/jsonscan"
)

// Fault is the value of the nemesis's fault-start, fault-heal and
// fault-error (docs/history.md, "Faults"): what the fault was and what it
// acted on. A key is written only when it says something: a fault-heal
// carries the kind and what identifies the fault (shape, nodes, process),
// a fault-start everything it did.
//
// The fields are declared in the order of their JSON keys: encoding/json
// writes a struct's fields in declaration order and a map's keys sorted,
// and the nemesis wrote maps before it had this type, so histories stay
// byte for byte what they were. Readers must not depend on the order.
type Fault struct {
	// Bandwidth is what a link-rate let through each way on the links
	// between nodes: "1mbit".
	Bandwidth string `json:"bandwidth,omitempty"`
	// Bridge is the node that sees both halves (shape bridge).
	Bridge string `json:"bridge,omitempty"`
	// Clock is "node" when a clock-skew set a server node's own clock
	// (through the cluster) rather than a candidate's; absent for a
	// candidate's clock, which is what a clock fault without it set.
	Clock string `json:"clock,omitempty"`
	// Delay is added each way on a client's link (client-delay) or on the
	// links between nodes (link-delay): "150ms".
	Delay string `json:"delay,omitempty"`
	// Direction is "one-way" when a partition or link fault acted only on
	// what its first group (the leader, the victim) sends; absent when it
	// acted both ways.
	Direction string `json:"direction,omitempty"`
	// Fallback is "random" when the victim was the leader and there was
	// none, so a random node was taken.
	Fallback string `json:"fallback,omitempty"`
	// Kind is the fault: partition, pause, kill, client-pause, client-kill,
	// client-partition, client-delay, client-loss, link-loss, link-delay,
	// link-rate, flaky, clock-skew, clock-drift.
	Kind string `json:"fault"`
	// Flaps is how many times a flaky link was cut (on its heal).
	Flaps int `json:"flaps,omitempty"`
	// For is how long a client pause freezes its client: "8s".
	For string `json:"for,omitempty"`
	// Groups are a partition's components, each cut off from the others
	// (shapes halves, isolate-leader, random).
	Groups [][]string `json:"groups,omitempty"`
	// Grudge maps a node to the nodes whose traffic it drops (shapes
	// majority-ring and bridge, which have no groups).
	Grudge map[string][]string `json:"grudge,omitempty"`
	// Jitter is the uniform extra delay in [0, jitter) (client-delay).
	Jitter string `json:"jitter,omitempty"`
	// Loss is the probability a chunk is lost on a client's link
	// (client-loss), in (0, 1], or a packet on the links between nodes
	// (link-loss), in (0, 1).
	Loss float64 `json:"loss,omitempty"`
	// Method is how the links between nodes were changed: nftables,
	// netem, proxy (the network agent's user-space proxy), htb (a
	// link-rate).
	Method string `json:"method,omitempty"`
	// Node is the node whose client a client pause froze, or whose
	// candidates' clock (or, with Clock "node", whose own clock) a clock
	// fault reached.
	Node string `json:"node,omitempty"`
	// Nodes are the fault's victims.
	Nodes []string `json:"nodes,omitempty"`
	// Offset is how far a clock-skew sets the victim candidate's clock
	// (or node's, with Clock "node") from true time: "-4s".
	Offset string `json:"offset,omitempty"`
	// Period is how long a flaky link stays cut, then healed: "500ms".
	Period string `json:"period,omitempty"`
	// Probe is what a probe across an affected link saw once the change
	// was in effect: "n1→n2: no answer within 1s" for a cut, "n1→n2:
	// round trip 612ms" for a delay.
	Probe string `json:"probe,omitempty"`
	// Process is the client process a client pause froze or a client
	// kill crashed, or whose clock a clock fault skewed or slowed.
	Process string `json:"process,omitempty"`
	// Rate is how fast a clock-drift makes the victim candidate's clock
	// run, 1 being true time: 0.5.
	Rate float64 `json:"rate,omitempty"`
	// Shape is a partition's shape: halves, isolate-leader,
	// majority-ring, bridge, random.
	Shape string `json:"shape,omitempty"`
	// Took is how long the change took from asked for to in effect (the
	// op's own time): "12ms".
	Took string `json:"took,omitempty"`
	// Victim is the victim as the plan names it: leader, minority,
	// majority, random or a node.
	Victim string `json:"victim,omitempty"`
}

// Fault decodes the op's value as a fault's. ok is false when the value
// is absent or not a JSON object; any op's object decodes, so the caller
// says which ops are faults (the nemesis's fault-start, fault-heal and
// fault-error).
//
// Keys match as [Read] matches them: exactly (case-sensitive) and only at
// the top level, unknown keys are skipped. A key whose value has the
// wrong type leaves its field zero and the others are still decoded: for
// an op that Read accepted that happens only with the fields Read does not
// check (shape, for, delay, …); fault, nodes, groups, grudge and process
// it checked on every fault-start and fault-heal.
func (o *Op) Fault() (f Fault, ok bool) {
	ok = eachMember(o.Value, func(quoted, val []byte) {
		switch string(quoted[1 : len(quoted)-1]) {
		case "bandwidth":
			f.Bandwidth = decodeString(val)
		case "bridge":
			f.Bridge = decodeString(val)
		case "clock":
			f.Clock = decodeString(val)
		case "delay":
			f.Delay = decodeString(val)
		case "direction":
			f.Direction = decodeString(val)
		case "flaps":
			if x, err := strconv.Atoi(string(val)); err == nil {
				f.Flaps = x
			}
		case "fallback":
			f.Fallback = decodeString(val)
		case "fault":
			f.Kind = decodeString(val)
		case "for":
			f.For = decodeString(val)
		case "groups":
			decodeInto(val, &f.Groups)
		case "grudge":
			decodeInto(val, &f.Grudge)
		case "jitter":
			f.Jitter = decodeString(val)
		case "loss":
			if x, err := strconv.ParseFloat(string(val), 64); err == nil {
				f.Loss = x
			}
		case "method":
			f.Method = decodeString(val)
		case "node":
			f.Node = decodeString(val)
		case "nodes":
			decodeInto(val, &f.Nodes)
		case "offset":
			f.Offset = decodeString(val)
		case "period":
			f.Period = decodeString(val)
		case "probe":
			f.Probe = decodeString(val)
		case "process":
			f.Process = decodeString(val)
		case "rate":
			if x, err := strconv.ParseFloat(string(val), 64); err == nil {
				f.Rate = x
			}
		case "shape":
			f.Shape = decodeString(val)
		case "took":
			f.Took = decodeString(val)
		case "victim":
			f.Victim = decodeString(val)
		}
	})
	if !ok {
		return Fault{}, false
	}
	return f, true
}

// eachMember calls fn with the raw key (quotes included, not unescaped)
// and the raw value of every top-level member of the object b, in order,
// and reports whether b is a well-formed object. Nested values are skipped
// whole. It does not validate further: b is valid JSON (the reader checked
// it) or what fn sees is meaningless.
func eachMember(b []byte, fn func(key, val []byte)) bool {
	i := jsonscan.WS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = jsonscan.WS(b, i+1)
	for i < len(b) && b[i] != '}' {
		if b[i] != '"' {
			return false
		}
		kEnd := jsonscan.StringEnd(b, i)
		if kEnd < 0 {
			return false
		}
		key := b[i:kEnd]
		i = jsonscan.WS(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = jsonscan.WS(b, i+1)
		vEnd := jsonscan.ValueEnd(b, i)
		if vEnd < 0 {
			return false
		}
		fn(key, b[i:vEnd])
		i = jsonscan.WS(b, vEnd)
		if i < len(b) && b[i] == ',' {
			i = jsonscan.WS(b, i+1)
		}
	}
	return i < len(b)
}

// decodeString decodes the JSON string v; anything else is "". A string
// of printable ASCII without escapes (every name the harness writes) is
// taken as it is, without encoding/json.
func decodeString(v []byte) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return ""
	}
	plain := true
	for _, c := range v[1 : len(v)-1] {
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
			plain = false
			break
		}
	}
	if plain {
		return string(v[1 : len(v)-1])
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

// decodeInto decodes v into *dst, or leaves *dst zero when v does not
// decode as its type. *dst is cleared first: of a key given twice, the
// last counts whole (encoding/json would merge two objects into a map).
func decodeInto[T any](v []byte, dst *T) {
	var zero T
	*dst = zero
	if err := json.Unmarshal(v, dst); err != nil {
		*dst = zero
	}
}
