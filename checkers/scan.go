package checkers

import (
	"encoding/json"
	"strconv"
)

// topFields are the few top-level keys of an op's value the election
// checkers look at.
type topFields struct {
	token    uint64
	hasToken bool
	hasKey   bool
	process  string
}

// scanTop reads the top-level "token", "key" and "process" of a JSON
// object without decoding the rest: the checkers look at every op of
// histories of millions, and a full decode of each value would dominate
// the check. Nested objects and strings are skipped whole, so a "token"
// inside a register's value is never mistaken for the op's own. Anything
// that is not a well-formed object yields empty fields.
func scanTop(b json.RawMessage) topFields {
	var f topFields
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return f
	}
	i++
	for {
		i = skipWS(b, i)
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
		kEnd := skipString(b, i)
		if kEnd < 0 {
			return topFields{}
		}
		key := string(b[i+1 : kEnd-1])
		i = skipWS(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return topFields{}
		}
		i = skipWS(b, i+1)
		vEnd := skipValue(b, i)
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
		case "process":
			var s string
			if json.Unmarshal(b[i:vEnd], &s) == nil {
				f.process = s
			}
		}
		i = vEnd
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e := skipString(b, j)
				if e < 0 {
					return -1
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\t' && b[j] != '\r' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
