package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// FormatName is the value of the optional first line's "format" key.
const FormatName = "chaos-history"

// Version is the history format version this package reads and writes.
const Version = 1

// ParseError is a malformed or inconsistent history: it names the file,
// the 1-based line and, where one field is at fault, the field.
type ParseError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *ParseError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s:%d: field %q: %s", e.File, e.Line, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// IsParseError reports whether err is (or wraps) a [ParseError].
func IsParseError(err error) bool {
	var pe *ParseError
	return errors.As(err, &pe)
}

// wireOp is one line as written, with pointers to tell absent from zero,
// as encoding/json decodes it on the slow path.
type wireOp struct {
	Format  *string         `json:"format"`
	Version *int            `json:"version"`
	Index   *int64          `json:"index"`
	Time    *int64          `json:"time"`
	Process *string         `json:"process"`
	Node    string          `json:"node"`
	Type    *string         `json:"type"`
	F       *string         `json:"f"`
	Value   json.RawMessage `json:"value"`
	Error   string          `json:"error"`
}

// ReadFile reads and validates the history at path. See [Read].
func ReadFile(path string) ([]Op, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open history: %w", err)
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads a history from r; name is used in errors and warnings.
//
// It checks what docs/history.md promises: indices 0, 1, 2, … one per
// line; time never decreasing; types and required fields present; the
// well-known fields of each op's value (a campaign's token, a register
// op's key, the nemesis's nodes...) of their documented JSON type, and
// present where that op requires them; every ok or fail completing an
// outstanding invoke of the same process and f; at most one op
// outstanding per process; no invoke from a process whose op ended in
// info. A last line cut off without its newline (the recorder died: the
// line is not whole JSON) is dropped with a warning; any other malformed
// line is a *[ParseError] naming the file, line and field. Unknown fields
// are ignored: the format grows only by optional fields.
func Read(r io.Reader, name string) ([]Op, []string, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var (
		ops      []Op
		warnings []string
		v        = newValidator(name)
		lineNo   int
	)
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: gather it whole.
			long := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return nil, warnings, fmt.Errorf("read %s: %w", name, err)
		}
		if len(line) == 0 && err == io.EOF {
			break
		}
		lineNo++
		complete := len(line) > 0 && line[len(line)-1] == '\n'
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			if err == io.EOF {
				break
			}
			return nil, warnings, &ParseError{File: name, Line: lineNo, Msg: "empty line"}
		}
		op, header, perr := v.parse(trimmed, lineNo)
		if perr != nil {
			// Only a line that is not whole JSON was cut off: a
			// complete object that breaks a rule is an error even
			// without its newline.
			if !complete && err == io.EOF && !json.Valid(trimmed) {
				warnings = append(warnings, fmt.Sprintf("%s:%d: last line is cut off (%v); ignored", name, lineNo, perr))
				break
			}
			return nil, warnings, perr
		}
		if !header {
			ops = append(ops, op)
		}
		if err == io.EOF {
			break
		}
	}
	return ops, warnings, nil
}

// validator carries the cross-line state of [Read].
type validator struct {
	name        string
	next        int64
	last        time.Duration
	outstanding map[string]string // process -> f of its outstanding invoke
	retired     map[string]int    // process -> line of the info that retired it
	intern      map[string]string // the strings parseFast shares
	slab        []byte            // where values are copied to
}

func newValidator(name string) *validator {
	return &validator{name: name, outstanding: map[string]string{}, retired: map[string]int{}, intern: map[string]string{}}
}

// slabSize is how much value text one allocation holds: a history's
// values are copied out of the read buffer into slabs rather than one
// allocation each.
const slabSize = 256 << 10

// keep returns a copy of b that outlives the read buffer.
func (v *validator) keep(b []byte) json.RawMessage {
	if len(b) > slabSize/8 {
		return append(json.RawMessage(nil), b...)
	}
	if cap(v.slab)-len(v.slab) < len(b) {
		v.slab = make([]byte, 0, slabSize)
	}
	n := len(v.slab)
	v.slab = append(v.slab, b...)
	return v.slab[n : n+len(b) : n+len(b)]
}

func (v *validator) errf(line int, field, format string, args ...any) error {
	return &ParseError{File: v.name, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (v *validator) parse(b []byte, line int) (Op, bool, error) {
	var w fastStore
	if !parseFast(b, &w, v.intern) {
		slow := new(wireOp) // on the heap only on this path
		if err := json.Unmarshal(b, slow); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				return Op{}, false, v.errf(line, te.Field, "want %s, got JSON %s", te.Type, te.Value)
			}
			return Op{}, false, v.errf(line, "", "not a JSON object: %v", err)
		}
		if spelled, name, ok := lineVariant(b); ok {
			return Op{}, false, v.errf(line, spelled, "%s", ambiguous(name))
		}
		if slow.Format != nil {
			return Op{}, true, v.header(slow, line)
		}
		w = slow.store()
	}
	switch {
	case !w.hasIndex:
		return Op{}, false, v.errf(line, "index", "missing")
	case !w.hasTime:
		return Op{}, false, v.errf(line, "time", "missing")
	case w.process == "":
		return Op{}, false, v.errf(line, "process", "missing or empty")
	case !w.hasType:
		return Op{}, false, v.errf(line, "type", "missing")
	case w.f == "":
		return Op{}, false, v.errf(line, "f", "missing or empty")
	}
	op := Op{
		Index: w.index, Time: time.Duration(w.time), Process: w.process, Node: w.node,
		Type: Type(w.typ), F: w.f, Value: w.value, Err: w.err,
	}
	if string(op.Value) == "null" {
		op.Value = nil
	}
	if op.Value != nil {
		op.Value = v.keep(op.Value)
	}
	if !op.Type.Valid() {
		return Op{}, false, v.errf(line, "type", "%q is not one of invoke, ok, fail, info", op.Type)
	}
	if op.Index != v.next {
		return Op{}, false, v.errf(line, "index", "is %d, want %d (indices count 0, 1, 2, … one per line)", op.Index, v.next)
	}
	if op.Time < 0 {
		return Op{}, false, v.errf(line, "time", "is negative (%d)", op.Time)
	}
	if op.Time < v.last {
		return Op{}, false, v.errf(line, "time", "goes backwards: %d after %d", op.Time, v.last)
	}
	if err := v.pair(&op, line); err != nil {
		return Op{}, false, err
	}
	if field, msg := checkValue(&op); msg != "" {
		return Op{}, false, v.errf(line, field, "%s", msg)
	}
	v.next++
	v.last = op.Time
	return op, false, nil
}

// header checks the format line.
func (v *validator) header(w *wireOp, line int) error {
	if line != 1 {
		return v.errf(line, "format", "the format line must be the first line")
	}
	if *w.Format != FormatName {
		return v.errf(line, "format", "unknown format %q, want %q", *w.Format, FormatName)
	}
	if w.Version == nil || *w.Version != Version {
		got := "none"
		if w.Version != nil {
			got = fmt.Sprint(*w.Version)
		}
		return v.errf(line, "version", "unsupported version %s, this reader knows version %d", got, Version)
	}
	return nil
}

// pair checks invoke/completion pairing for one op.
func (v *validator) pair(op *Op, line int) error {
	p := op.Process
	pending, busy := v.outstanding[p]
	switch op.Type {
	case Invoke:
		if !op.IsClient() {
			return v.errf(line, "type", "process %q records only standalone info ops, not invoke", p)
		}
		if at, ok := v.retired[p]; ok {
			return v.errf(line, "process", "%q invokes after its op ended in info at line %d; a new process id must be used", p, at)
		}
		if busy {
			return v.errf(line, "process", "%q invokes %q while its %q is still outstanding", p, op.F, pending)
		}
		v.outstanding[p] = op.F
	case OK, Fail:
		if !busy {
			return v.errf(line, "type", "%s of %q by %q completes no outstanding invoke", op.Type, op.F, p)
		}
		if pending != op.F {
			return v.errf(line, "f", "%s of %q by %q, but its outstanding invoke is %q", op.Type, op.F, p, pending)
		}
		delete(v.outstanding, p)
	case Info:
		if busy && pending == op.F {
			delete(v.outstanding, p)
			v.retired[p] = line
		}
		// Otherwise a standalone notification.
	}
	return nil
}
