package history

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func read(t *testing.T, text string) ([]Op, []string, error) {
	t.Helper()
	return Read(strings.NewReader(text), "h.jsonl")
}

const okLines = `{"index":0,"time":10,"process":"n1","node":"n1","type":"invoke","f":"campaign","value":{}}
{"index":1,"time":20,"process":"n1","node":"n1","type":"ok","f":"campaign","value":{"token":7}}
{"index":2,"time":20,"process":"nemesis","node":"n2","type":"info","f":"fault-start","value":{"fault":"pause","nodes":["n2"]}}
`

func TestReadValid(t *testing.T) {
	ops, warns, err := read(t, okLines)
	if err != nil || len(warns) != 0 {
		t.Fatalf("%v %v", err, warns)
	}
	if len(ops) != 3 || ops[1].Type != OK || string(ops[1].Value) != `{"token":7}` || ops[2].Node != "n2" {
		t.Fatalf("ops: %+v", ops)
	}
}

func TestReadErrors(t *testing.T) {
	inv := `{"index":0,"time":1,"process":"n1","type":"invoke","f":"write","value":{"token":1}}` + "\n"
	tests := []struct{ name, text, want string }{
		{"not json", "nope\n", `h.jsonl:1: not a JSON object`},
		{"missing index", `{"time":1,"process":"n1","type":"invoke","f":"x"}` + "\n", `h.jsonl:1: field "index": missing`},
		{"missing time", `{"index":0,"process":"n1","type":"invoke","f":"x"}` + "\n", `h.jsonl:1: field "time": missing`},
		{"missing process", `{"index":0,"time":1,"type":"invoke","f":"x"}` + "\n", `h.jsonl:1: field "process": missing`},
		{"missing type", `{"index":0,"time":1,"process":"n1","f":"x"}` + "\n", `h.jsonl:1: field "type": missing`},
		{"missing f", `{"index":0,"time":1,"process":"n1","type":"invoke"}` + "\n", `h.jsonl:1: field "f": missing`},
		{"bad type", `{"index":0,"time":1,"process":"n1","type":"done","f":"x"}` + "\n", `h.jsonl:1: field "type": "done" is not one of`},
		{"wrong json type", `{"index":"0","time":1,"process":"n1","type":"invoke","f":"x"}` + "\n", `h.jsonl:1: field "index": want int64`},
		{"index gap", inv + `{"index":2,"time":1,"process":"n1","type":"ok","f":"write"}` + "\n", `h.jsonl:2: field "index": is 2, want 1`},
		{"time backwards", inv + `{"index":1,"time":0,"process":"n1","type":"ok","f":"write"}` + "\n", `h.jsonl:2: field "time": goes backwards`},
		{"ok without invoke", `{"index":0,"time":1,"process":"n1","type":"ok","f":"write"}` + "\n", `h.jsonl:1: field "type": ok of "write" by "n1" completes no outstanding invoke`},
		{"f mismatch", inv + `{"index":1,"time":2,"process":"n1","type":"fail","f":"read"}` + "\n", `h.jsonl:2: field "f": fail of "read" by "n1", but its outstanding invoke is "write"`},
		{"two outstanding", inv + `{"index":1,"time":2,"process":"n1","type":"invoke","f":"read"}` + "\n", `h.jsonl:2: field "process": "n1" invokes "read" while its "write" is still outstanding`},
		{"invoke after info", inv + `{"index":1,"time":2,"process":"n1","type":"info","f":"write"}` + "\n" +
			`{"index":2,"time":3,"process":"n1","type":"invoke","f":"campaign"}` + "\n", `h.jsonl:3: field "process": "n1" invokes after its op ended in info at line 2`},
		{"nemesis invoke", `{"index":0,"time":1,"process":"nemesis","type":"invoke","f":"fault-start"}` + "\n", `h.jsonl:1: field "type": process "nemesis" records only standalone info ops`},
		{"header not first", inv + `{"format":"chaos-history","version":1}` + "\n", `h.jsonl:2: field "format": the format line must be the first line`},
		{"other version", `{"format":"chaos-history","version":2}` + "\n", `h.jsonl:1: field "version": unsupported version 2`},
		{"malformed complete last line", inv + "{\"index\":1,\n", `h.jsonl:2: not a JSON object`},
		{"empty line", inv + "\n" + inv, `h.jsonl:2: empty line`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := read(t, tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "h.jsonl" || pe.Line == 0 {
				t.Fatalf("not a ParseError with file and line: %#v", err)
			}
		})
	}
}

func TestReadNotifications(t *testing.T) {
	text := `{"format":"chaos-history","version":1}
{"index":0,"time":1,"process":"n1","type":"invoke","f":"write","value":{"token":1}}
{"index":1,"time":2,"process":"n1","type":"info","f":"lost","value":{"token":1}}
{"index":2,"time":3,"process":"n1","type":"ok","f":"write","extra":"ignored"}
{"index":3,"time":4,"process":"observer","type":"info","f":"leader","value":{"leader":null}}
{"index":4,"time":5,"process":"n1","type":"invoke","f":"campaign"}
`
	ops, _, err := read(t, text)
	if err != nil || len(ops) != 5 {
		t.Fatalf("standalone info while an op is outstanding, header, unknown field: %v %d", err, len(ops))
	}
}

func TestReadCutLastLine(t *testing.T) {
	text := okLines + `{"index":3,"time":30,"proc`
	ops, warns, err := read(t, text)
	if err != nil || len(ops) != 3 || len(warns) != 1 || !strings.Contains(warns[0], "h.jsonl:4: last line is cut off") {
		t.Fatalf("ops %d warns %v err %v", len(ops), warns, err)
	}
}

func TestValueRoundTrip(t *testing.T) {
	line := `{"index":0,"time":1,"process":"observer","type":"info","f":"note","value":{"b": [1, 2.5e3, "x\"y"], "a":null}}`
	ops, _, err := read(t, line+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if string(ops[0].Value) != `{"b": [1, 2.5e3, "x\"y"], "a":null}` {
		t.Fatalf("value changed: %s", ops[0].Value)
	}
}

// TestFastPathAgrees checks the fast line decoder against encoding/json on
// lines of many shapes.
func TestFastPathAgrees(t *testing.T) {
	lines := []string{
		`{"index":0,"time":1,"process":"n1","node":"n1","type":"invoke","f":"write","value":{"token":1,"seq":2}}`,
		`{ "index" : 3 , "time":-4, "process":"n1#2", "type":"ok", "f":"x", "error":"boom", "value":"s"}`,
		`{"index":0,"time":1,"process":"n\u00e9","type":"ok","f":"x"}`,
		`{"index":0,"time":1.5,"process":"n","type":"ok","f":"x"}`,
		`{"index":0,"time":1,"process":"n","type":"ok","f":"x","value":[1,{"a":"]"}]}`,
		`{"index":0,"time":1,"process":"n","type":"ok","f":"x","value":tru}`,
		`{"Index":0,"time":1,"process":"n","type":"ok","f":"x"}`,
		`{"index":0,"index":5,"time":1,"process":"n","type":"ok","f":"x"}`,
		`{}`,
		`{"index":0,"time":1,"process":"n","type":"ok","f":"x",}`,
	}
	for _, l := range lines {
		assertAgree(t, []byte(l))
	}
}

func assertAgree(t *testing.T, b []byte) {
	t.Helper()
	var fast wireOp
	if !parseFast(b, &fast) {
		return
	}
	var slow wireOp
	if err := json.Unmarshal(b, &slow); err != nil {
		t.Fatalf("fast path accepted %q, encoding/json rejects it: %v", b, err)
	}
	if string(fast.Value) != string(slow.Value) {
		t.Fatalf("value of %q: fast %s, slow %s", b, fast.Value, slow.Value)
	}
	fast.Value, slow.Value = nil, nil
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("decoding %q: fast %+v, slow %+v", b, fast, slow)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(okLines))
	f.Add([]byte(okLines + `{"index":3,"ti`))
	f.Add([]byte(`{"format":"chaos-history","version":1}` + "\n"))
	f.Add([]byte(`{"index":0,"time":1,"process":"n1","type":"invoke","f":"write","value":{"token":1}}` + "\n" +
		`{"index":1,"time":2,"process":"n1","type":"info","f":"write"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ops, _, err := Read(strings.NewReader(string(data)), "fuzz.jsonl")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a ParseError: %v", err)
			}
			return
		}
		for i, op := range ops {
			if op.Index != int64(i) || !op.Type.Valid() {
				t.Fatalf("accepted a bad op %+v", op)
			}
		}
		for _, line := range strings.Split(string(data), "\n") {
			assertAgree(t, []byte(line))
		}
	})
}
