package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
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
		{"key in capitals", `{"Index":0,"time":1,"process":"n1","type":"invoke","f":"x"}` + "\n", `h.jsonl:1: field "Index": ambiguous: some JSON readers take it for "index", others ignore it; write "index" exactly`},
		{"key in capitals after the key", `{"index":0,"time":1,"process":"n1","type":"invoke","f":"x","TIME":5}` + "\n", `h.jsonl:1: field "TIME": ambiguous`},
		{"escaped key", `{"index":0,"time":1,"process":"n1","type":"invoke","\u0066":"x"}` + "\n", `h.jsonl:1: field "\\u0066": ambiguous`},
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
	// A whole last line without its newline is read like any other: kept
	// when good, an error when it breaks a rule.
	ops, warns, err = read(t, okLines+`{"index":3,"time":30,"process":"n2","type":"info","f":"lost"}`)
	if err != nil || len(ops) != 4 || len(warns) != 0 {
		t.Fatalf("whole last line: ops %d warns %v err %v", len(ops), warns, err)
	}
	_, warns, err = read(t, okLines+`{"index":4,"time":30,"process":"n2","type":"info","f":"lost"}`)
	if !IsParseError(err) || !strings.Contains(err.Error(), `h.jsonl:4: field "index": is 4, want 3`) || len(warns) != 0 {
		t.Fatalf("whole bad last line: warns %v err %v", warns, err)
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
	var fast fastStore
	if !parseFast(b, &fast, map[string]string{}) {
		return
	}
	var slow wireOp
	if err := json.Unmarshal(b, &slow); err != nil {
		t.Fatalf("fast path accepted %q, encoding/json rejects it: %v", b, err)
	}
	if slow.Format != nil || slow.Version != nil {
		t.Fatalf("fast path accepted the format line %q", b)
	}
	want := slow.store()
	if string(fast.value) != string(want.value) {
		t.Fatalf("value of %q: fast %s, slow %s", b, fast.value, want.value)
	}
	fast.value, want.value = nil, nil
	if !reflect.DeepEqual(fast, want) {
		t.Fatalf("decoding %q: fast %+v, slow %+v", b, fast, want)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(okLines))
	f.Add([]byte(okLines + `{"index":3,"ti`))
	f.Add([]byte(`{"format":"chaos-history","version":1}` + "\n"))
	f.Add([]byte(`{"index":0,"time":1,"process":"n1","type":"invoke","f":"write","value":{"token":1}}` + "\n" +
		`{"index":1,"time":2,"process":"n1","type":"info","f":"write"}` + "\n"))
	f.Add([]byte(campaignOK(`{"token":7,"v":{"token":"x"}}`)))
	f.Add([]byte(campaignOK(`{"token":"7"}`)))
	f.Add([]byte(info("observer", "leader", `{"leader":"n1","token":3}`)))
	f.Add([]byte(info("nemesis", "fault-start", `{"fault":"partition","groups":[["n1"],["n2","n3"]],"grudge":{"n1":["n2"]}}`)))
	f.Add([]byte(complete("ok", "read", `{"key":"k"}`, `{"key":"k","value":null}`)))
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
			assertValueAgrees(t, &ops[i])
		}
		for _, line := range strings.Split(string(data), "\n") {
			assertAgree(t, []byte(line))
		}
	})
}

// line is one history line; value "" leaves the value out.
func line(i int, process, typ, f, value string) string {
	s := fmt.Sprintf(`{"index":%d,"time":%d,"process":%q,"type":%q,"f":%q`, i, 10*i, process, typ, f)
	if value != "" {
		s += `,"value":` + value
	}
	return s + "}\n"
}

// Histories whose last line's value is under test, by what it completes.
func campaignOK(v string) string {
	return line(0, "n1", "invoke", "campaign", "{}") + line(1, "n1", "ok", "campaign", v)
}
func invoke(f, v string) string { return line(0, "n1", "invoke", f, v) }
func complete(typ, f, inv, v string) string {
	return line(0, "n1", "invoke", f, inv) + line(1, "n1", typ, f, v)
}
func info(process, f, v string) string { return line(0, process, "info", f, v) }

// TestReadValueTypes: every well-known field the checkers read, of the
// wrong JSON type or missing where its op requires it, is a ParseError
// naming the file, the line and the field, with these exact words.
func TestReadValueTypes(t *testing.T) {
	const big = "18446744073709551616" // 2^64
	tests := []struct{ name, text, want string }{
		{"string token", campaignOK(`{"token":"7"}`), `h.jsonl:2: field "value.token": want a non-negative integer, got JSON string "7"`},
		{"float token", campaignOK(`{"token":7.0}`), `h.jsonl:2: field "value.token": want a non-negative integer, got JSON number 7.0`},
		{"negative token", campaignOK(`{"token":-1}`), `h.jsonl:2: field "value.token": want a non-negative integer, got JSON number -1`},
		{"exponent token", campaignOK(`{"token":1e3}`), `h.jsonl:2: field "value.token": want a non-negative integer, got JSON number 1e3`},
		{"huge token", campaignOK(`{"token":` + big + `}`), `h.jsonl:2: field "value.token": want a non-negative integer, got JSON number ` + big + `, which does not fit 64 bits`},
		{"null token", campaignOK(`{"token":null}`), `h.jsonl:2: field "value.token": want a non-negative integer, got JSON null`},
		{"bool token", campaignOK(`{"token":true}`), `h.jsonl:2: field "value.token": want a non-negative integer, got JSON boolean true`},
		{"grant without token", campaignOK(`{"tok":7}`), `h.jsonl:2: field "value.token": missing: required on a campaign's ok`},
		{"grant without value", campaignOK(""), `h.jsonl:2: field "value.token": missing: required on a campaign's ok`},
		{"grant value not an object", campaignOK(`7`), `h.jsonl:2: field "value": want an object with "token", got JSON number 7`},
		{"token given twice", campaignOK(`{"token":7,"token":"7"}`), `h.jsonl:2: field "value.token": given more than once`},
		{"token spelled in capitals", campaignOK(`{"Token":7}`), `h.jsonl:2: field "value.Token": ambiguous: some JSON readers take it for "token", others ignore it; write "token" exactly`},
		{"token spelled with escapes", campaignOK(`{"tok\u0065n":7}`), `h.jsonl:2: field "value.tok\\u0065n": ambiguous: some JSON readers take it for "token", others ignore it; write "token" exactly`},
		{"long value shortened", campaignOK(`{"token":"` + strings.Repeat("é", 30) + `"}`), `h.jsonl:2: field "value.token": want a non-negative integer, got JSON string "` + strings.Repeat("é", 19) + `…`},

		{"write invoke string token", invoke("write", `{"token":"7","seq":1}`), `h.jsonl:1: field "value.token": want a non-negative integer, got JSON string "7"`},
		{"write invoke without token", invoke("write", `{"seq":1}`), `h.jsonl:1: field "value.token": missing: required on an election write's invoke (a write without "key")`},
		{"write invoke without value", invoke("write", ""), `h.jsonl:1: field "value.token": missing: required on an election write's invoke (a write without "key")`},
		{"string seq", invoke("write", `{"token":7,"seq":"1"}`), `h.jsonl:1: field "value.seq": want an integer, got JSON string "1"`},
		{"float seq", invoke("write", `{"token":7,"seq":1.5}`), `h.jsonl:1: field "value.seq": want an integer, got JSON number 1.5`},
		{"write ok float token", complete("ok", "write", `{"token":7,"seq":1}`, `{"token":7.0,"seq":1}`), `h.jsonl:2: field "value.token": want a non-negative integer, got JSON number 7.0`},
		{"write fail string seq", complete("fail", "write", `{"token":7,"seq":1}`, `{"token":7,"seq":"1"}`), `h.jsonl:2: field "value.seq": want an integer, got JSON string "1"`},
		{"lost string token", info("n1", "lost", `{"token":"7"}`), `h.jsonl:1: field "value.token": want a non-negative integer, got JSON string "7"`},
		{"lost number reason", info("n1", "lost", `{"token":7,"reason":5}`), `h.jsonl:1: field "value.reason": want a string, got JSON number 5`},
		{"resign negative token", invoke("resign", `{"token":-7}`), `h.jsonl:1: field "value.token": want a non-negative integer, got JSON number -7`},

		{"number key", invoke("read", `{"key":5}`), `h.jsonl:1: field "value.key": want a string, got JSON number 5`},
		{"null key", invoke("write", `{"key":null,"value":1}`), `h.jsonl:1: field "value.key": want a string, got JSON null`},
		{"read without key", invoke("read", `{}`), `h.jsonl:1: field "value.key": missing: required on a read's invoke`},
		{"read ok without value", complete("ok", "read", `{"key":"k"}`, `{"key":"k"}`), `h.jsonl:2: field "value.value": missing: required on a read's ok`},
		{"read ok number key", complete("ok", "read", `{"key":"k"}`, `{"key":1,"value":2}`), `h.jsonl:2: field "value.key": want a string, got JSON number 1`},
		{"register write without value", invoke("write", `{"key":"k"}`), `h.jsonl:1: field "value.value": missing: required on a register write's invoke`},
		{"cas without to", invoke("cas", `{"key":"k","from":1}`), `h.jsonl:1: field "value.to": missing: required on a cas's invoke`},
		{"cas without key", invoke("cas", `{"from":1,"to":2}`), `h.jsonl:1: field "value.key": missing: required on a cas's invoke`},

		{"leader 5", info("observer", "leader", `{"leader":5,"token":7}`), `h.jsonl:1: field "value.leader": want a string or null, got JSON number 5`},
		{"leader missing", info("observer", "leader", `{"token":7}`), `h.jsonl:1: field "value.leader": missing: required on the observer's leader info`},
		{"leader without token", info("observer", "leader", `{"leader":"n2"}`), `h.jsonl:1: field "value.token": missing: required on the observer's leader info when leader is not null`},
		{"leader string token", info("observer", "leader", `{"leader":"n2","token":"7"}`), `h.jsonl:1: field "value.token": want a non-negative integer, got JSON string "7"`},

		{"nodes string", info("nemesis", "fault-start", `{"fault":"pause","nodes":"n1"}`), `h.jsonl:1: field "value.nodes": want an array of strings (or null), got JSON string "n1"`},
		{"nodes of numbers", info("nemesis", "fault-heal", `{"fault":"pause","nodes":[1]}`), `h.jsonl:1: field "value.nodes": want an array of strings (or null), got JSON array [1]`},
		{"nodes with null", info("nemesis", "fault-start", `{"fault":"pause","nodes":["n1",null]}`), `h.jsonl:1: field "value.nodes": want an array of strings (or null), got JSON array ["n1",null]`},
		{"groups flat", info("nemesis", "fault-start", `{"fault":"partition","groups":["n1","n2"]}`), `h.jsonl:1: field "value.groups": want an array of arrays of strings (or null), got JSON array ["n1","n2"]`},
		{"grudge of strings", info("nemesis", "fault-start", `{"fault":"partition","grudge":{"n1":"n2"}}`), `h.jsonl:1: field "value.grudge": want an object whose values are arrays of strings (or null), got JSON object {"n1":"n2"}`},
		{"fault number", info("nemesis", "fault-start", `{"fault":3}`), `h.jsonl:1: field "value.fault": want a string, got JSON number 3`},
		{"process number", info("nemesis", "fault-start", `{"fault":"client-pause","process":1}`), `h.jsonl:1: field "value.process": want a string, got JSON number 1`},

		{"bad last line without newline", strings.TrimSuffix(campaignOK(`{"token":"7"}`), "\n"), `h.jsonl:2: field "value.token": want a non-negative integer, got JSON string "7"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, warns, err := read(t, tt.text)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error\n%v\nwant\n%s", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "h.jsonl" || pe.Line == 0 || !strings.HasPrefix(pe.Field, "value") {
				t.Fatalf("not a ParseError with file, line and field: %#v", err)
			}
			if len(warns) != 0 {
				t.Fatalf("warnings: %v", warns)
			}
		})
	}
}

// TestReadValueGoodForms: what the rules allow, and what they leave free.
func TestReadValueGoodForms(t *testing.T) {
	tests := []struct{ name, text string }{
		{"token 0", campaignOK(`{"token":0}`)},
		{"largest token", campaignOK(`{"token":18446744073709551615}`)},
		{"spaces", campaignOK(`{ "token" : 7 , "extra" : [ 1 , { "token" : "x" } ] }`)},
		{"unknown keys ignored", campaignOK(`{"token":7,"lease":"3s","TOKENS":"x","seq":"free here"}`)},
		{"campaign invoke free", invoke("campaign", `{"token":"not read"}`)},
		{"campaign fail free", complete("fail", "campaign", `{}`, `"not elected"`)},
		{"write", complete("ok", "write", `{"token":7,"seq":1}`, `{"token":7,"seq":1}`)},
		{"negative seq", invoke("write", `{"token":7,"seq":-3}`)},
		{"write without seq", invoke("write", `{"token":7}`)},
		{"write completion without value", complete("info", "write", `{"token":7,"seq":1}`, "")},
		{"lost without value", info("n1", "lost", "")},
		{"lost with a reason only", info("n1", "lost", `{"reason":"session expired"}`)},
		{"resign without value", complete("ok", "resign", "", "")},
		{"register write", complete("ok", "write", `{"key":"k1","value":3}`, `{"key":"k1","value":3}`)},
		{"register write of null", invoke("write", `{"key":"k1","value":null}`)},
		{"register write keeps token free", invoke("write", `{"key":"k1","value":{"token":"x"},"token":"x"}`)},
		{"read ok of null", complete("ok", "read", `{"key":"k\u00e9"}`, `{"key":"k\u00e9","value":null}`)},
		{"read ok of an object", complete("ok", "read", `{"key":"k"}`, `{"key":"k","value":{"token":"nested","a":[1,2]}}`)},
		{"read info", complete("info", "read", `{"key":"k"}`, "")},
		{"cas", complete("fail", "cas", `{"key":"k","from":1,"to":2}`, `{"key":"k","from":1,"to":2}`)},
		{"no leader", info("observer", "leader", `{"leader":null}`)},
		{"a leader", info("observer", "leader", `{"leader":"n2","token":9}`)},
		{"faults", info("nemesis", "fault-start", `{"fault":"partition","shape":"halves","groups":[["n1","n2"],["n3"]],"nodes":null}`) +
			line(1, "nemesis", "info", "fault-start", `{"fault":"partition","shape":"bridge","grudge":{"n1":["n3"],"n3":["n1"]},"bridge":"n2"}`) +
			line(2, "nemesis", "info", "fault-start", `{"fault":"client-pause","process":"n1","nodes":["n1"],"for":"8s"}`) +
			line(3, "nemesis", "info", "fault-heal", `{"fault":"pause","nodes":null}`) +
			line(4, "nemesis", "info", "fault-error", `{"fault":7,"nodes":"free: no checker reads a fault-error"}`) +
			line(5, "nemesis", "info", "fault-heal", "")},
		{"a user's own notification", info("n1", "note", `{"token":"anything","key":5}`)},
		{"a client's leader op is not the observer's", info("n1", "leader", `{"leader":5}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, warns, err := read(t, tt.text); err != nil || len(warns) != 0 {
				t.Fatalf("%v %v", err, warns)
			}
		})
	}
}

// TestFieldsExact: Op.Fields matches keys as the reader does: exactly and
// at the top level only.
func TestFieldsExact(t *testing.T) {
	op := Op{Value: json.RawMessage(`{"Token":"x","key":"k","value":{"token":5,"key":"inner"},"seq":-2,"nodes":null,"leader":null}`)}
	f, err := op.Fields()
	if err != nil || f.Token != nil || f.Key == nil || *f.Key != "k" || string(f.Value) != `{"token":5,"key":"inner"}` ||
		f.Seq == nil || *f.Seq != -2 || f.Nodes != nil || f.Leader != nil {
		t.Fatalf("%+v %v", f, err)
	}
	op = Op{Value: json.RawMessage(`{"token":"7","fault":"pause"}`)}
	f, err = op.Fields()
	if err == nil || !strings.Contains(err.Error(), "value.token") || f.Token != nil || f.Fault != "pause" {
		t.Fatalf("a bad token in memory: %+v %v", f, err)
	}
	op = Op{Value: json.RawMessage(`{"fault":"partition","grudge":{"n1":["n2","n3"]},"Process":"x"}`)}
	if f, err = op.Fields(); err != nil || len(f.Grudge["n1"]) != 2 || f.Process != "" {
		t.Fatalf("a partition's grudge, and a process spelled otherwise: %+v %v", f, err)
	}
	op = Op{Value: json.RawMessage(`{"fault":"client-pause","process":"n1#2"}`)}
	if f, err = op.Fields(); err != nil || f.Process != "n1#2" {
		t.Fatalf("a client pause's process: %+v %v", f, err)
	}
	if _, err := (&Op{Value: json.RawMessage(`{"token":`)}).Fields(); err == nil {
		t.Fatal("a value that is not JSON decoded")
	}
	if f, err := (&Op{Value: json.RawMessage(`[1]`)}).Fields(); err != nil || f.Token != nil {
		t.Fatalf("not an object: %+v %v", f, err)
	}
}

// assertValueAgrees checks an accepted op's value against encoding/json:
// every key its rule reads is found as encoding/json finds it, and decodes
// into the Go type of its kind.
func assertValueAgrees(t *testing.T, op *Op) {
	t.Helper()
	var tk topKeys
	isObj := len(op.Value) > 0 && scanTopKeys(op.Value, &tk)
	r := ruleFor(op, &tk)
	if r == nil {
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(op.Value, &m) != nil {
		if isObj || r.required != 0 {
			t.Fatalf("accepted %s of %s, not an object to encoding/json: %s", op.Type, op.F, op.Value)
		}
		return
	}
	for k := vkey(0); k < nKeys; k++ {
		want := r.typed[k]
		if want == kindFree {
			continue
		}
		raw, ok := m[keyNames[k]]
		if ok != tk.has(k) || (ok && string(raw) != string(tk.val[k])) {
			t.Fatalf("%s of %s, key %q: scanned %q (%v), encoding/json %q (%v)", op.Type, op.F, keyNames[k], tk.val[k], tk.has(k), raw, ok)
		}
		if !ok {
			continue
		}
		var dst any
		switch want {
		case kindUint:
			dst = new(uint64)
		case kindInt:
			dst = new(int64)
		case kindString:
			dst = new(string)
		case kindStringNull:
			dst = new(*string)
		case kindStrings:
			dst = new([]string)
		case kindGroups:
			dst = new([][]string)
		case kindGrudge:
			dst = new(map[string][]string)
		default:
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatalf("accepted %s of %s whose %q does not decode: %v", op.Type, op.F, keyNames[k], err)
		}
	}
	if f, _ := op.Fields(); r.typed[kToken] != kindFree && tk.has(kToken) && (f.Token == nil || strconv.FormatUint(*f.Token, 10) != string(tk.val[kToken])) {
		t.Fatalf("accepted %s of %s, token %s, Fields: %v", op.Type, op.F, tk.val[kToken], f.Token)
	}
}
