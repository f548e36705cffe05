//go:build docker

package reports

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/internal/headless"
)

// The sample report — values with markup and quotes — in a real browser:
// the script runs without a console message, nothing injected runs, an
// anomaly's ops open, and the page is drawn. (runner's Docker tests do the
// same on a real run's report.)
func TestReportInChromium(t *testing.T) {
	ops := sample()
	r := checkers.Run(context.Background(), ops, checkers.Election(checkers.Options{})...)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := WriteHTML(path, Input{Title: `run "<script>x</script>"`, Results: r, Ops: ops, Command: "chaos run"}); err != nil {
		t.Fatal(err)
	}
	headless.CheckReport(t, path, headless.ReportWant{Lanes: []string{"n1", "n2", "observer"}, Faults: 2, Anomaly: true})
	bin, _ := headless.Find()
	page, err := headless.Load(context.Background(), bin, "file://"+path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page.DOM, "<script>alert") || strings.Contains(page.DOM, "<b>") {
		t.Error("a value's markup became part of the page")
	}
}
