package history

import (
	"bufio"
	"os"
	"reflect"
	"strings"
	"testing"
)

// docBlock is one fenced code block of docs/history.md.
type docBlock struct {
	info string // what follows the opening fence: "jsonl", "jsonl-bad", "text"
	line int    // of the opening fence
	text string
}

func docBlocks(t *testing.T, path string) []docBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks []docBlock
		cur    *docBlock
		sc     = bufio.NewScanner(f)
	)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(l, "```"):
			cur = &docBlock{info: strings.TrimSpace(strings.TrimPrefix(l, "```")), line: n}
		case cur != nil && strings.TrimSpace(l) == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += l + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: code block not closed", path, cur.line)
	}
	return blocks
}

// TestDocExamples keeps docs/history.md and the reader in step: every
// ```jsonl block is a history Read accepts without a warning, and every
// ```jsonl-bad block is rejected with exactly the error of the ```text
// block that follows it.
func TestDocExamples(t *testing.T) {
	const path = "../docs/history.md"
	blocks := docBlocks(t, path)
	var good, bad int
	errs := map[string]bool{}
	for i, b := range blocks {
		switch b.info {
		case "jsonl":
			good++
			ops, warns, err := Read(strings.NewReader(b.text), "history.jsonl")
			if err != nil || len(warns) > 0 || len(ops) == 0 {
				t.Errorf("%s:%d: example does not read: %v %v (%d ops)", path, b.line, err, warns, len(ops))
			}
		case "jsonl-bad":
			bad++
			_, _, err := Read(strings.NewReader(b.text), "history.jsonl")
			if i+1 >= len(blocks) || blocks[i+1].info != "text" {
				t.Errorf("%s:%d: a bad example must be followed by a ```text block with its error", path, b.line)
				continue
			}
			want := strings.TrimSpace(blocks[i+1].text)
			errs[want] = true
			if !IsParseError(err) || err.Error() != want {
				t.Errorf("%s:%d: bad example read as\n%v\nthe page says\n%s", path, b.line, err, want)
			}
		case "text":
		default:
			t.Errorf("%s:%d: code block %q: want jsonl, jsonl-bad or text", path, b.line, b.info)
		}
	}
	// A text block not under a bad example quotes one of their errors.
	for i, b := range blocks {
		if b.info == "text" && (i == 0 || blocks[i-1].info != "jsonl-bad") && !errs[strings.TrimSpace(b.text)] {
			t.Errorf("%s:%d: error %q is none of the bad examples'", path, b.line, strings.TrimSpace(b.text))
		}
	}
	if good < 3 || bad < 5 {
		t.Errorf("%s: %d good and %d bad examples; the page had 3 and 6", path, good, bad)
	}
}

// TestDocNamesEveryField: the page's Values section documents every
// well-known value field the reader checks.
func TestDocNamesEveryField(t *testing.T) {
	b, err := os.ReadFile("../docs/history.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "\n## Values\n")
	if start < 0 {
		t.Fatal(`docs/history.md has no "## Values" section`)
	}
	values := doc[start:]
	if end := strings.Index(values[1:], "\n## "); end >= 0 {
		values = values[:end+1]
	}
	for _, name := range keyNames {
		if !strings.Contains(values, "| `"+name+"`") && !strings.Contains(values, ", `"+name+"` |") {
			t.Errorf("the Values table of docs/history.md has no row for %q", name)
		}
	}
}

// Every key a fault's value may carry (history.Fault's fields) is named in
// the table of what each kind records, so a field added to the format is
// documented with it.
func TestDocNamesEveryFaultKey(t *testing.T) {
	b, err := os.ReadFile("../docs/history.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "What each kind records")
	if start < 0 {
		t.Fatal(`docs/history.md has no "What each kind records" table`)
	}
	table := doc[start:]
	if end := strings.Index(table, "\n## "); end >= 0 {
		table = table[:end]
	}
	ft := reflect.TypeOf(Fault{})
	for i := range ft.NumField() {
		key, _, _ := strings.Cut(ft.Field(i).Tag.Get("json"), ",")
		if !strings.Contains(table, "`"+key+"`") {
			t.Errorf("docs/history.md's fault table does not name `%s` (Fault.%s)", key, ft.Field(i).Name)
		}
	}
}
