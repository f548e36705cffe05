package checkers

import (
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/internal/jsonscan"
)

// regFields are the register fields of an op's value, raw; hasKey is
// false when there is no key (an election write, not a register op).
type regFields struct {
	hasKey               bool
	key, value, from, to []byte
}

// registerFields picks the register fields out of op's value. The common
// shape — a flat object of exactly the fields key (a plain string),
// value, from and to — is scanned without encoding/json's reflection,
// which would otherwise dominate a long history; anything else goes
// through [history.Op.Fields], which decides what it means and words the
// errors. The values are left raw: canonicalJSON checks their syntax.
func registerFields(op *history.Op) (regFields, error) {
	if f, ok := scanRegisterFields(op.Value); ok {
		return f, nil
	}
	f, err := op.Fields()
	if err != nil {
		return regFields{}, err
	}
	r := regFields{value: f.Value, from: f.From, to: f.To}
	if f.Key != nil {
		r.hasKey, r.key = true, []byte(*f.Key)
	}
	return r, nil
}

// scanRegisterFields is the fast path of registerFields; ok is false
// for any value it does not decode as encoding/json would.
func scanRegisterFields(b []byte) (f regFields, ok bool) {
	if len(b) == 0 || b[0] != '{' {
		return f, true // not an object: no fields, as Op.Fields says
	}
	i := jsonscan.WS(b, 1)
	if i < len(b) && b[i] == '}' {
		return f, jsonscan.WS(b, i+1) == len(b)
	}
	for {
		name, end, ok := plainString(b, i)
		if !ok {
			return f, false
		}
		i = jsonscan.WS(b, end)
		if i >= len(b) || b[i] != ':' {
			return f, false
		}
		i = jsonscan.WS(b, i+1)
		switch string(name) {
		case "key":
			s, end, ok := plainString(b, i)
			if !ok {
				return f, false // null, a number, an escaped string...
			}
			f.hasKey, f.key, i = true, s, end
		case "value", "from", "to":
			end := jsonscan.ValueEnd(b, i)
			if end < 0 {
				return f, false
			}
			switch string(name) {
			case "value":
				f.value = b[i:end]
			case "from":
				f.from = b[i:end]
			default:
				f.to = b[i:end]
			}
			i = end
		default:
			return f, false // any other field could be an error for Op.Fields
		}
		i = jsonscan.WS(b, i)
		if i >= len(b) {
			return f, false
		}
		switch b[i] {
		case '}':
			return f, jsonscan.WS(b, i+1) == len(b)
		case ',':
			i = jsonscan.WS(b, i+1)
		default:
			return f, false
		}
	}
}

// plainString returns the text of the string at b[i] when it is
// printable ASCII without escapes, and the index after it.
func plainString(b []byte, i int) (s []byte, end int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, 0, false
		}
	}
	return nil, 0, false
}
