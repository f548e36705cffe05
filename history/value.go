package history

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chaos-election/chaos/internal/jsonscan"
)

// The well-known keys of an op's value (docs/history.md, "Values"): the
// fields the checkers and the report read. A key matches only when it is
// spelled exactly so, at the top level of the value: keys are
// case-sensitive, and a "token" inside a register's value is the
// register's, never the op's.
type vkey uint8

const (
	kToken vkey = iota
	kSeq
	kKey
	kLeader
	kValue
	kFrom
	kTo
	kReason
	kFault
	kNodes
	kGroups
	kGrudge
	kProcess
	nKeys
)

var keyNames = [nKeys]string{"token", "seq", "key", "leader", "value", "from", "to", "reason", "fault", "nodes", "groups", "grudge", "process"}

func keyOf(k []byte) (vkey, bool) {
	switch string(k) {
	case "token":
		return kToken, true
	case "seq":
		return kSeq, true
	case "key":
		return kKey, true
	case "leader":
		return kLeader, true
	case "value":
		return kValue, true
	case "from":
		return kFrom, true
	case "to":
		return kTo, true
	case "reason":
		return kReason, true
	case "fault":
		return kFault, true
	case "nodes":
		return kNodes, true
	case "groups":
		return kGroups, true
	case "grudge":
		return kGrudge, true
	case "process":
		return kProcess, true
	}
	return 0, false
}

// topKeys are the well-known top-level keys of one value, as raw JSON.
type topKeys struct {
	val     [nKeys][]byte // the last occurrence of each
	seen    uint16        // bit k: key k occurs
	dup     uint16        // bit k: key k occurs more than once
	variant uint16        // bit k: a key spelled otherwise that some JSON readers take for k
	spelled []byte        // the first such key, as written
	spelt   vkey          // and the key it is taken for
}

func (t *topKeys) has(k vkey) bool { return t.seen&(1<<k) != 0 }

// scanTopKeys fills t from the object b, skipping nested values whole. It
// returns false when b is not a JSON object. It does not validate: b is
// valid JSON (the reader checked it) or the result is meaningless.
func scanTopKeys(b []byte, t *topKeys) bool {
	return eachMember(b, func(quoted, val []byte) {
		key := quoted[1 : len(quoted)-1]
		if k, ok := keyOf(key); ok {
			if t.has(k) {
				t.dup |= 1 << k
			}
			t.seen |= 1 << k
			t.val[k] = val
		} else if k, ok := variantOf(quoted); ok {
			if t.variant == 0 {
				t.spelled, t.spelt = key, k
			}
			t.variant |= 1 << k
		}
	})
}

// variantOf reports whether the quoted key q, not spelled as any
// well-known key, is one all the same to encoding/json, which unescapes
// keys and matches struct fields regardless of case: "Token",
// "tok\u0065n". Such a key is ambiguous (the checkers' own scanners take
// it for an unknown key), so the reader rejects it where the key is read.
func variantOf(q []byte) (vkey, bool) {
	k, ok := foldedName(q, keyNames[:])
	return vkey(k), ok
}

// foldedName returns the index of the name in names that the quoted key q
// is not spelled as but that encoding/json takes it for, if any.
func foldedName(q []byte, names []string) (int, bool) {
	plain := true
	for _, c := range q[1 : len(q)-1] {
		if c == '\\' || c >= 0x80 || (c >= 'A' && c <= 'Z') {
			plain = false
			break
		}
	}
	if plain {
		return 0, false // lower-case ASCII: equal or unrelated
	}
	var s string
	if json.Unmarshal(q, &s) != nil {
		return 0, false
	}
	for k, name := range names {
		if strings.EqualFold(s, name) {
			return k, true
		}
	}
	return 0, false
}

// lineNames are the keys of a line (and of the format line).
var lineNames = []string{"index", "time", "process", "node", "type", "f", "value", "error", "format", "version"}

// lineVariant returns the first key of the line b spelled otherwise than
// a line key that encoding/json takes for it ("Index"), with that key.
// b is valid JSON.
func lineVariant(b []byte) (spelled, name string, ok bool) {
	i := jsonscan.WS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return "", "", false
	}
	i = jsonscan.WS(b, i+1)
	for i < len(b) && b[i] == '"' {
		kEnd := jsonscan.StringEnd(b, i)
		if kEnd < 0 {
			return "", "", false
		}
		if k, ok := foldedName(b[i:kEnd], lineNames); ok {
			return string(b[i+1 : kEnd-1]), lineNames[k], true
		}
		i = jsonscan.WS(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return "", "", false
		}
		vEnd := jsonscan.ValueEnd(b, jsonscan.WS(b, i+1))
		if vEnd < 0 {
			return "", "", false
		}
		i = jsonscan.WS(b, vEnd)
		if i < len(b) && b[i] == ',' {
			i = jsonscan.WS(b, i+1)
		}
	}
	return "", "", false
}

// ambiguous is the message for a key spelled otherwise than name.
func ambiguous(name string) string {
	q := strconv.Quote(name)
	return "ambiguous: some JSON readers take it for " + q + ", others ignore it; write " + q + " exactly"
}

// A valueRule says what one kind of op requires of its value: the keys it
// must carry and the type of every well-known key it reads.
type valueRule struct {
	what     string      // "a campaign's ok", for the messages
	required uint16      // keys that must be present
	typed    [nKeys]kind // the type of each key read; kindFree when not read
	// tokenIfLeader: token is required too when leader is a string (the
	// observer's view of a leader names its token).
	tokenIfLeader bool
}

// kind is the JSON type a well-known key must have.
type kind uint8

const (
	kindFree       kind = iota // not read: anything
	kindUint                   // a non-negative integer that fits 64 bits
	kindInt                    // an integer that fits 64 bits (signed)
	kindString                 // a string
	kindStringNull             // a string or null
	kindAny                    // any JSON (a register's value)
	kindStrings                // an array of strings, or null
	kindGroups                 // an array of arrays of strings, or null
	kindGrudge                 // an object of arrays of strings, or null
)

var kindWant = [...]string{
	kindUint:       "a non-negative integer",
	kindInt:        "an integer",
	kindString:     "a string",
	kindStringNull: "a string or null",
	kindStrings:    "an array of strings (or null)",
	kindGroups:     "an array of arrays of strings (or null)",
	kindGrudge:     "an object whose values are arrays of strings (or null)",
}

func bits(ks ...vkey) uint16 {
	var b uint16
	for _, k := range ks {
		b |= 1 << k
	}
	return b
}

func rule(what string, required uint16, typed map[vkey]kind) *valueRule {
	r := &valueRule{what: what, required: required}
	for k, t := range typed {
		r.typed[k] = t
	}
	return r
}

// The rules, by op: docs/history.md's table of values. Ops of no rule (a
// campaign's invoke, an op of an f no checker reads) have a free value.
var (
	tokenTyped    = map[vkey]kind{kToken: kindUint}
	electionTyped = map[vkey]kind{kToken: kindUint, kSeq: kindInt}
	registerTyped = map[vkey]kind{kKey: kindString, kValue: kindAny, kFrom: kindAny, kTo: kindAny}
	faultTyped    = map[vkey]kind{kFault: kindString, kNodes: kindStrings, kGroups: kindGroups, kGrudge: kindGrudge, kProcess: kindString}

	ruleCampaignOK   = rule("a campaign's ok", bits(kToken), tokenTyped)
	ruleLost         = rule("a lost", 0, map[vkey]kind{kToken: kindUint, kReason: kindString})
	ruleResign       = rule("a resign", 0, tokenTyped)
	ruleElectInvoke  = rule(`an election write's invoke (a write without "key")`, bits(kToken), electionTyped)
	ruleElectDone    = rule("an election write", 0, electionTyped)
	ruleRegWrite     = rule("a register write's invoke", bits(kKey, kValue), registerTyped)
	ruleReadInvoke   = rule("a read's invoke", bits(kKey), registerTyped)
	ruleReadOK       = rule("a read's ok", bits(kValue), registerTyped)
	ruleCasInvoke    = rule("a cas's invoke", bits(kKey, kFrom, kTo), registerTyped)
	ruleRegDone      = rule("a register op", 0, registerTyped)
	ruleFault        = rule("a fault", 0, faultTyped)
	ruleObserverView = func() *valueRule {
		r := rule("the observer's leader info", bits(kLeader), map[vkey]kind{kLeader: kindStringNull, kToken: kindUint})
		r.tokenIfLeader = true
		return r
	}()
)

// ruleFor returns the rule of op, or nil. A write is the register's when
// its own value has a top-level "key", the election workload's otherwise.
func ruleFor(op *Op, t *topKeys) *valueRule {
	switch op.Process {
	case Nemesis:
		if op.F == FFaultStart || op.F == FFaultHeal {
			return ruleFault
		}
		return nil
	case Observer:
		if op.F == FLeader {
			return ruleObserverView
		}
		return nil
	}
	switch op.F {
	case FCampaign:
		if op.Type == OK {
			return ruleCampaignOK
		}
	case FLost:
		return ruleLost
	case FResign:
		return ruleResign
	case FWrite:
		switch {
		case t.has(kKey) && op.Type == Invoke:
			return ruleRegWrite
		case t.has(kKey):
			return ruleRegDone
		case op.Type == Invoke:
			return ruleElectInvoke
		}
		return ruleElectDone
	case FRead:
		switch op.Type {
		case Invoke:
			return ruleReadInvoke
		case OK:
			return ruleReadOK
		}
		return ruleRegDone
	case FCas:
		if op.Type == Invoke {
			return ruleCasInvoke
		}
		return ruleRegDone
	}
	return nil
}

// checkValue checks the well-known fields of op's value against its rule.
// It returns the field at fault ("value.token") and what is wrong, or ""
// when the value is fine.
func checkValue(op *Op) (field, msg string) {
	switch op.F {
	case FCampaign, FLost, FResign, FWrite, FLeader, FRead, FCas, FFaultStart, FFaultHeal:
	default:
		return "", "" // no rule: skip the scan
	}
	var t topKeys
	isObj := len(op.Value) > 0 && scanTopKeys(op.Value, &t)
	r := ruleFor(op, &t)
	if r == nil {
		return "", ""
	}
	if !isObj {
		if r.required == 0 {
			return "", "" // a value that is not an object has none of the fields
		}
		if len(op.Value) > 0 {
			return "value", "want an object with " + quotedKeys(r.required) + ", got " + describe(op.Value)
		}
	}
	for k := vkey(0); k < nKeys; k++ {
		want, need := r.typed[k], r.required&(1<<k) != 0
		switch {
		case want == kindFree && !need:
			continue
		case t.variant&(1<<k) != 0:
			spelled := "another spelling"
			if t.spelt == k {
				spelled = string(t.spelled)
			}
			return "value." + spelled, ambiguous(keyNames[k])
		case !t.has(k) && need:
			return "value." + keyNames[k], "missing: required on " + r.what
		case !t.has(k):
			continue
		case t.dup&(1<<k) != 0:
			return "value." + keyNames[k], "given more than once"
		}
		if m := checkKind(t.val[k], want); m != "" {
			return "value." + keyNames[k], m
		}
	}
	if r.tokenIfLeader && isString(t.val[kLeader]) && !t.has(kToken) {
		return "value.token", "missing: required on " + r.what + " when leader is not null"
	}
	return "", ""
}

func quotedKeys(ks uint16) string {
	s := ""
	for k := vkey(0); k < nKeys; k++ {
		if ks&(1<<k) != 0 {
			if s != "" {
				s += ", "
			}
			s += strconv.Quote(keyNames[k])
		}
	}
	return s
}

// checkKind returns what is wrong with v as a value of kind want, or "".
func checkKind(v []byte, want kind) string {
	ok := false
	switch want {
	case kindAny:
		return ""
	case kindUint:
		if isDigits(v) {
			if !fitsUint64(v) {
				return "want " + kindWant[want] + ", got " + describe(v) + ", which does not fit 64 bits"
			}
			return ""
		}
	case kindInt:
		d := v
		if len(d) > 0 && d[0] == '-' {
			d = d[1:]
		}
		if isDigits(d) {
			if _, err := strconv.ParseInt(string(v), 10, 64); err != nil {
				return "want " + kindWant[want] + ", got " + describe(v) + ", which does not fit 64 bits"
			}
			return ""
		}
	case kindString:
		ok = isString(v)
	case kindStringNull:
		ok = isString(v) || isNull(v)
	case kindStrings:
		ok = isNull(v) || eachElem(v, '[', isString)
	case kindGroups:
		ok = isNull(v) || eachElem(v, '[', func(g []byte) bool { return eachElem(g, '[', isString) })
	case kindGrudge:
		ok = isNull(v) || eachElem(v, '{', func(g []byte) bool { return eachElem(g, '[', isString) })
	}
	if ok {
		return ""
	}
	return "want " + kindWant[want] + ", got " + describe(v)
}

// isDigits reports whether v is a JSON number without sign, fraction or
// exponent.
func isDigits(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// fitsUint64 reports whether the digits v (no leading zero, as JSON
// has none) are at most 2^64-1.
func fitsUint64(v []byte) bool {
	const max = "18446744073709551615"
	return len(v) < len(max) || (len(v) == len(max) && string(v) <= max)
}

func isString(v []byte) bool { return len(v) > 0 && v[0] == '"' }
func isNull(v []byte) bool   { return string(v) == "null" }

// eachElem reports whether v is an array (open '[') or an object (open
// '{') every element (every member's value) of which satisfies ok.
func eachElem(v []byte, open byte, ok func([]byte) bool) bool {
	i := jsonscan.WS(v, 0)
	if i >= len(v) || v[i] != open {
		return false
	}
	i = jsonscan.WS(v, i+1)
	for i < len(v) && v[i] != ']' && v[i] != '}' {
		if open == '{' {
			e := jsonscan.StringEnd(v, i)
			if e < 0 {
				return false
			}
			i = jsonscan.WS(v, e)
			if i >= len(v) || v[i] != ':' {
				return false
			}
			i = jsonscan.WS(v, i+1)
		}
		e := jsonscan.ValueEnd(v, i)
		if e < 0 || !ok(v[i:e]) {
			return false
		}
		i = jsonscan.WS(v, e)
		if i < len(v) && v[i] == ',' {
			i = jsonscan.WS(v, i+1)
		}
	}
	return i < len(v)
}

// describe names the JSON type of v and shows it, shortened: `JSON string
// "7"`, `JSON number 7.0`.
func describe(v []byte) string {
	var k string
	switch {
	case len(v) == 0:
		return "nothing"
	case v[0] == '"':
		k = "string"
	case v[0] == '{':
		k = "object"
	case v[0] == '[':
		k = "array"
	case v[0] == 't' || v[0] == 'f':
		k = "boolean"
	case v[0] == 'n':
		return "JSON null"
	default:
		k = "number"
	}
	const max = 40
	s := string(v)
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return "JSON " + k + " " + s
}
