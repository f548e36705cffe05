package reports

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// The sweep.json section of docs/results-json.md: its example decodes
// into Sweep without unknown fields, and every JSON field of Sweep and of
// what it holds is in its table.
func TestSweepSchemaDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/results-json.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	k := strings.Index(doc, "## sweep.json")
	if k < 0 {
		t.Fatal("docs/results-json.md has no sweep.json section")
	}
	doc = doc[k:]
	i := strings.Index(doc, "```json\n")
	j := strings.Index(doc[i+8:], "```")
	dec := json.NewDecoder(strings.NewReader(doc[i+8 : i+8+j]))
	dec.DisallowUnknownFields()
	var s Sweep
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("the documented example does not decode: %v", err)
	}
	if s.Format != SweepFormat || len(s.Cells) == 0 || len(s.Cells[0].Runs) == 0 || len(s.Recommendations) == 0 {
		t.Fatalf("the documented example: %+v", s)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[Sweep](), reflect.TypeFor[SweepValue](), reflect.TypeFor[SweepFault](),
		reflect.TypeFor[SweepCell](), reflect.TypeFor[SweepRun](), reflect.TypeFor[Recommendation]()} {
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			if !strings.Contains(doc, "`"+name+"`") && !strings.Contains(doc, "`"+name+"[]`") && !strings.Contains(doc, "."+name+"`") && !strings.Contains(doc, "."+name+"[]`") {
				t.Errorf("%s.%s (json %q) is not documented in docs/results-json.md's sweep.json", typ.Name(), f.Name, name)
			}
		}
	}
}
