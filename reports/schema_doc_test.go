package reports

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/checkers"
)

// docs/results-json.md is the schema users code against: its example
// must decode into ResultsFile without unknown fields, and every JSON
// field of ResultsFile and of what it holds must be in its table.
func TestResultsSchemaDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/results-json.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "```json\n")
	j := strings.Index(doc[i+8:], "```")
	dec := json.NewDecoder(strings.NewReader(doc[i+8 : i+8+j]))
	dec.DisallowUnknownFields()
	var rf ResultsFile
	if err := dec.Decode(&rf); err != nil {
		t.Fatalf("the documented example does not decode: %v", err)
	}
	if rf.Format != ResultsFormat || len(rf.Checkers) == 0 {
		t.Fatalf("the documented example: %+v", rf)
	}
	// The second example is matrix.json's.
	k := strings.Index(doc[i+8+j:], "```json\n")
	if k < 0 {
		t.Fatal("no example of matrix.json")
	}
	rest := doc[i+8+j+k+8:]
	mdec := json.NewDecoder(strings.NewReader(rest[:strings.Index(rest, "```")]))
	mdec.DisallowUnknownFields()
	var mx Matrix
	if err := mdec.Decode(&mx); err != nil {
		t.Fatalf("the documented matrix.json does not decode: %v", err)
	}
	if mx.Shard != "2/2" || len(mx.Runs) != 2 || mx.Runs[0].Seed == 0 || len(mx.Cells)*mx.Count != mx.Total {
		t.Fatalf("the documented matrix.json: %+v", mx)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[ResultsFile](), reflect.TypeFor[checkers.Result](),
		reflect.TypeFor[checkers.Anomaly](), reflect.TypeFor[checkers.Failover](), reflect.TypeFor[checkers.Survival](), reflect.TypeFor[FaultError](),
		reflect.TypeFor[Matrix](), reflect.TypeFor[MatrixRun]()} {
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			if !strings.Contains(doc, "`"+name+"`") && !strings.Contains(doc, "`"+name+"[]`") && !strings.Contains(doc, "."+name+"`") {
				t.Errorf("%s.%s (json %q) is not documented in docs/results-json.md", typ.Name(), f.Name, name)
			}
		}
	}
}
