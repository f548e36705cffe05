package history

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/chaos-election/chaos/internal/jsonscan"
)

// parseFast decodes the common shape of a history line — a flat object of
// integers and plain strings, with the value kept raw — without
// encoding/json's reflection, which would otherwise dominate reading a
// history of millions of lines. It reports ok=false for anything else (an
// escaped string, null, a float, bad syntax...), and the caller then
// decodes the line with encoding/json, which also words the errors. So the
// fast path decides nothing on its own: it accepts only what encoding/json
// would decode to the same result.
//
// It decodes into st (what encoding/json decodes into a wireOp, without
// its pointers: see [wireOp.store]) and shares the strings it decodes
// through intern (a history has few processes, nodes, types and fs), so
// that a line decodes without a heap allocation per field.
func parseFast(b []byte, st *fastStore, intern map[string]string) bool {
	i := jsonscan.WS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = jsonscan.WS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return jsonscan.WS(b, i+1) == len(b)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		k0 := i + 1
		k1 := plainEnd(b, k0)
		if k1 < 0 {
			return false
		}
		key := b[k0:k1]
		i = jsonscan.WS(b, k1+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = jsonscan.WS(b, i+1)
		end, ok := fastValue(b, i, key, st, intern)
		if !ok {
			return false
		}
		i = jsonscan.WS(b, end)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return jsonscan.WS(b, i+1) == len(b)
		}
		if b[i] != ',' {
			return false
		}
		i = jsonscan.WS(b, i+1)
	}
}

// fastStore is a line as [parseFast] decodes it.
type fastStore struct {
	index, time                int64
	process, typ, f, node, err string
	value                      []byte
	hasIndex, hasTime, hasType bool
}

// store returns the line as parseFast would have decoded it.
func (w *wireOp) store() fastStore {
	st := fastStore{node: w.Node, err: w.Error, value: w.Value}
	if w.Index != nil {
		st.index, st.hasIndex = *w.Index, true
	}
	if w.Time != nil {
		st.time, st.hasTime = *w.Time, true
	}
	if w.Process != nil {
		st.process = *w.Process
	}
	if w.Type != nil {
		st.typ, st.hasType = *w.Type, true
	}
	if w.F != nil {
		st.f = *w.F
	}
	return st
}

// maxInterned bounds the strings [parseFast] shares: past it, a history of
// ever new process ids allocates each as before.
const maxInterned = 1 << 12

func internBytes(m map[string]string, b []byte) string {
	if s, ok := m[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(m) < maxInterned {
		m[s] = s
	}
	return s
}

// fastValue decodes the value of key starting at b[i] into st and returns
// where it ends.
func fastValue(b []byte, i int, key []byte, st *fastStore, intern map[string]string) (int, bool) {
	str := func() (string, int, bool) {
		if i >= len(b) || b[i] != '"' {
			return "", 0, false
		}
		e := plainEnd(b, i+1)
		if e < 0 {
			return "", 0, false
		}
		return internBytes(intern, b[i+1:e]), e + 1, true
	}
	switch string(key) {
	case "index":
		st.hasIndex = true
		return fastInt(b, i, &st.index)
	case "time":
		st.hasTime = true
		return fastInt(b, i, &st.time)
	case "process", "type", "f", "node":
		s, e, ok := str()
		switch key[0] {
		case 'p':
			st.process = s
		case 't':
			st.typ, st.hasType = s, true
		case 'f':
			st.f = s
		default:
			st.node = s
		}
		return e, ok
	case "error":
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		e := plainEnd(b, i+1)
		if e < 0 {
			return 0, false
		}
		st.err = string(b[i+1 : e])
		return e + 1, true
	case "value":
		e := jsonscan.ValueEnd(b, i)
		if e < 0 || !json.Valid(b[i:e]) {
			return 0, false
		}
		st.value = b[i:e]
		return e, true
	}
	return 0, false // "format", "version", unknown keys: the slow path
}

// fastInt parses a JSON integer that fits an int64 into dst.
func fastInt(b []byte, i int, dst *int64) (int, bool) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	if j+1 < len(b) && b[j] == '0' && b[j+1] >= '0' && b[j+1] <= '9' {
		return 0, false // JSON has no leading zeros
	}
	digits := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == digits || (j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E')) {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b[i:j]), 10, 64)
	if err != nil {
		return 0, false
	}
	*dst = n
	return j, true
}

// plainEnd returns the index of the closing quote of a string starting
// at b[i] that has no escapes and no control characters, or -1.
func plainEnd(b []byte, i int) int {
	j := bytes.IndexByte(b[i:], '"')
	if j < 0 {
		return -1
	}
	for _, c := range b[i : i+j] {
		if c == '\\' || c < 0x20 {
			return -1
		}
	}
	if !utf8.Valid(b[i : i+j]) {
		return -1 // encoding/json would replace the bad bytes
	}
	return i + j
}
