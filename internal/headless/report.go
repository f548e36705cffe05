package headless

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// ReportWant is what a test expects to see in a report.html.
type ReportWant struct {
	Lanes   []string // lane names, e.g. "n1", "observer"
	Faults  int      // shaded fault regions
	Anomaly bool     // at least one anomaly, whose ops open on #anomaly-0
}

var bodyAttrs = regexp.MustCompile(`<body([^>]*)>`)

// CheckReport opens the report at path in headless Chromium and fails t
// unless its script ran without a console message or error, it shows the
// wanted lanes and faults, an anomaly's ops open from its link, and a
// screenshot of it is not blank. It returns the screenshot's path.
func CheckReport(t testing.TB, path string, want ReportWant) string {
	t.Helper()
	bin, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	abs, _ := filepath.Abs(path)
	url := "file://" + abs
	page, err := Load(ctx, bin, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("chromium loaded %s in %v", path, page.Took.Round(time.Millisecond))
	for _, c := range page.Console {
		t.Errorf("console: %s", c)
	}
	m := bodyAttrs.FindStringSubmatch(page.DOM)
	if m == nil || !strings.Contains(m[1], `data-ready="1"`) || strings.Contains(m[1], "data-errors") {
		t.Errorf("the report's script did not finish cleanly: <body%s>", firstOf(m))
	}
	for _, lane := range want.Lanes {
		if !strings.Contains(page.DOM, fmt.Sprintf(`data-lane="%s"`, lane)) {
			t.Errorf("no timeline lane %q", lane)
		}
	}
	if n := strings.Count(page.DOM, `data-fault="1"`); n != want.Faults {
		t.Errorf("%d shaded faults on the timeline, want %d", n, want.Faults)
	}
	if want.Anomaly {
		p, err := Load(ctx, bin, url+"#anomaly-0")
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(p.DOM, `id="detail"`)
		if i < 0 || !strings.Contains(p.DOM[i:min(len(p.DOM), i+200)], `data-shown="0"`) || strings.Count(p.DOM[i:], "<td>") < 8 {
			t.Errorf("#anomaly-0 does not show the anomaly's ops")
		}
	}
	shot := strings.TrimSuffix(path, filepath.Ext(path)) + ".png"
	if err := Screenshot(ctx, bin, url, shot, 1280, 1400); err != nil {
		t.Fatal(err)
	}
	colours, ink, err := Ink(shot)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s: %d colours, %.1f%% ink", shot, colours, ink*100)
	if colours < 16 || ink < 0.05 {
		t.Errorf("the screenshot looks blank: %d colours, %.1f%% ink", colours, ink*100)
	}
	return shot
}

func firstOf(m []string) string {
	if len(m) > 1 {
		return m[1]
	}
	return ""
}
