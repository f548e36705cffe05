package checkers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// canonicalJSON is the canonical form of a register value: two values
// have the same form exactly when they are the same JSON value. Objects
// are compared by their members whatever their order (keys sorted, the
// last of a repeated key kept, as encoding/json decodes them), arrays in
// order, strings after unescaping, numbers by their exact numeric value
// (1, 1.0, 1e0 and 10e-1 are one number; 9007199254740993 is not
// 9007199254740992, which float64 cannot tell apart). The form is
// compact JSON that reads as the value did: `{"a":1,"b":[2,"x"]}`, `1.5`,
// `12345678901234567890123`, `1e-30`. No value, or an empty one, is
// "null".
func canonicalJSON(raw []byte) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "null", nil
	}
	if s, ok := canonicalScalar(raw); ok {
		return s, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("value %.40q: %w", raw, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("value %.40q: more after the value", raw)
	}
	var b strings.Builder
	if err := writeCanonical(&b, v); err != nil {
		return "", fmt.Errorf("value %.40q: %w", raw, err)
	}
	return b.String(), nil
}

// canonicalScalar is the form of the common values that are already
// canonical as written — null, true, false, an integer of up to 21
// digits, a string of printable ASCII without escapes — without decoding
// them; ok is false for anything else.
func canonicalScalar(raw []byte) (string, bool) {
	switch string(raw) {
	case "null", "true", "false":
		return string(raw), true
	case "-0":
		return "0", true
	}
	switch c := raw[0]; {
	case c == '"':
		if len(raw) < 2 || raw[len(raw)-1] != '"' {
			return "", false
		}
		for _, c := range raw[1 : len(raw)-1] {
			if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
				return "", false
			}
		}
		return string(raw), true
	case c == '-' || c >= '0' && c <= '9':
		digits := raw
		if c == '-' {
			digits = raw[1:]
		}
		if len(digits) == 0 || len(digits) > 21 || digits[0] == '0' && len(digits) > 1 {
			return "", false
		}
		for _, c := range digits {
			if c < '0' || c > '9' {
				return "", false
			}
		}
		return string(raw), true
	}
	return "", false
}

// writeCanonical writes the canonical form of v, as decoded with
// json.Decoder.UseNumber.
func writeCanonical(b *strings.Builder, v any) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case json.Number:
		n, err := canonicalNumber(string(v))
		if err != nil {
			return err
		}
		b.WriteString(n)
	case string:
		writeCanonicalString(b, v)
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeCanonical(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonicalString(b, k)
			b.WriteByte(':')
			if err := writeCanonical(b, v[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("unexpected %T in a decoded value", v)
	}
	return nil
}

// writeCanonicalString writes s quoted, escaping only what JSON requires
// (the quote, the backslash, control characters), so that it reads as
// the text it is.
func writeCanonicalString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r) // invalid UTF-8 becomes U+FFFD, as encoding/json decodes it
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		default:
			b.WriteByte(c)
		}
		i++
	}
	b.WriteByte('"')
}

// canonicalNumber is the canonical text of the JSON number s, exact at
// any size: its value as sign × digits × 10^exp with the digits stripped
// of leading and trailing zeros, written plainly when that takes few
// added zeros (`120`, `0.0015`, `-3.25`) and in exponent form otherwise
// (`1.2e40`, `5e-30`). Plain and exponent forms never overlap, and each
// names one (digits, exp), so equal texts are equal numbers and back.
func canonicalNumber(s string) (string, error) {
	bad := fmt.Errorf("bad number %q", s)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	mant, expText := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, expText = s[:i], s[i+1:]
	}
	intPart, frac := mant, ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
		if frac == "" {
			return "", bad
		}
	}
	if intPart == "" || !allDigits(intPart) || !allDigits(frac) {
		return "", bad
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	trimmed := strings.TrimRight(digits, "0")
	if trimmed == "" {
		return "0", nil // 0, -0, 0.000, 0e9
	}
	// value = trimmed × 10^(exp + shift)
	shift := int64(len(digits)-len(trimmed)) - int64(len(frac))
	exp := new(big.Int)
	if expText != "" {
		e := strings.TrimPrefix(expText, "+")
		if e == "" || !allDigits(strings.TrimPrefix(e, "-")) || e == "-" {
			return "", bad
		}
		if _, ok := exp.SetString(e, 10); !ok {
			return "", bad
		}
	}
	exp.Add(exp, big.NewInt(shift))
	sign := ""
	if neg {
		sign = "-"
	}
	const maxZeros = 21 // plain form adds at most this many zeros
	if exp.IsInt64() {
		e := exp.Int64()
		point := int64(len(trimmed)) + e // digits before the decimal point
		switch {
		case e >= 0 && e <= maxZeros:
			return sign + trimmed + strings.Repeat("0", int(e)), nil
		case e < 0 && point > 0:
			return sign + trimmed[:point] + "." + trimmed[point:], nil
		case e < 0 && point > -7:
			return sign + "0." + strings.Repeat("0", int(-point)) + trimmed, nil
		}
	}
	// d.ddd × 10^(exp + len-1)
	sci := exp.Add(exp, big.NewInt(int64(len(trimmed)-1)))
	m := trimmed[:1]
	if len(trimmed) > 1 {
		m += "." + trimmed[1:]
	}
	return sign + m + "e" + sci.String(), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
