package checkers

import (
	"encoding/json"
	"strconv"

	"github.com/chaos-election/chaos/internal/jsonscan"
)

// topFields are the few top-level keys of an op's value the election
// checkers look at.
type topFields struct {
	token    uint64
	hasToken bool
	hasKey   bool
}

// scanTop reads the top-level "token" and "key" of a JSON
// object without decoding the rest: the checkers look at every op of
// histories of millions, and a full decode of each value would dominate
// the check. Nested objects and strings are skipped whole, so a "token"
// inside a register's value is never mistaken for the op's own. Anything
// that is not a well-formed object yields empty fields.
func scanTop(b json.RawMessage) topFields {
	var f topFields
	i := jsonscan.WS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return f
	}
	i++
	for {
		i = jsonscan.WS(b, i)
		if i >= len(b) {
			return topFields{}
		}
		if b[i] == '}' {
			return f
		}
		if b[i] == ',' {
			i++
			continue
		}
		if b[i] != '"' {
			return topFields{}
		}
		kEnd := jsonscan.StringEnd(b, i)
		if kEnd < 0 {
			return topFields{}
		}
		key := string(b[i+1 : kEnd-1])
		i = jsonscan.WS(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return topFields{}
		}
		i = jsonscan.WS(b, i+1)
		vEnd := jsonscan.ValueEnd(b, i)
		if vEnd < 0 {
			return topFields{}
		}
		switch key {
		case "token":
			if n, err := strconv.ParseUint(string(b[i:vEnd]), 10, 64); err == nil {
				f.token, f.hasToken = n, true
			}
		case "key":
			f.hasKey = true
		}
		i = vEnd
	}
}
