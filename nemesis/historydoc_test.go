package nemesis

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every fault kind has its row in docs/history.md's table of what a
// fault-start and a fault-heal record, so that a kind added to the
// nemesis is one the public history format describes.
func TestHistoryDocNamesEveryKind(t *testing.T) {
	b, err := os.ReadFile("../docs/history.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	kindRE := regexp.MustCompile("`([a-z-]+)`")
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.SplitN(line[1:], "|", 2)[0] // the row's first cell
		for _, m := range kindRE.FindAllStringSubmatch(first, -1) {
			documented[m[1]] = true
		}
	}
	for _, kind := range Kinds {
		if !documented[kind] {
			t.Errorf("docs/history.md has no row for the fault kind `%s`", kind)
		}
	}
}
