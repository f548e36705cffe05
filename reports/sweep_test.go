package reports

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func fp(v float64) *float64 { return &v }

// sampleSweep is lease_ttl {1s, 2s, 4s} × {a control, a pause} × 2, the
// control without failovers, one cell not run.
func sampleSweep() Sweep {
	s := Sweep{Format: SweepFormat, Version: 1, Name: "lease-ttl", Setting: "lease_ttl", Kind: "duration", Count: 2, Seed: 3, Total: 12,
		Validity: "invalid", ExitCode: 1,
		Values: []SweepValue{{"1s", 1}, {"2s", 2}, {"4s", 4}},
		Faults: []SweepFault{{Label: "none", Control: true}, {Label: "pause-2x"}}}
	for vi, v := range s.Values {
		for _, f := range s.Faults {
			c := SweepCell{Name: "lease_ttl-" + v.Label + "-" + f.Label, Value: v.Label, Fault: f.Label, Under: `client pauses of <b>2 s</b>`, Done: 2}
			for k := 1; k <= 2; k++ {
				name := fmt.Sprintf("%s-r%d", c.Name, k)
				c.Runs = append(c.Runs, SweepRun{Name: name, Repeat: k, Status: RunDone, Dir: name + "/20261203T090000Z", Validity: "valid"})
			}
			c.ElectionsPerMinute, c.NoLeaderS, c.UnsafeFraction = fp(float64(10-vi)), fp(0.5), fp(0)
			if !f.Control {
				c.FailoverP50, c.FailoverP95, c.FailoverMax = fp(v.X), fp(v.X+0.5), fp(v.X+1)
				c.Failovers, c.Unsafe, c.Invalid, c.UnsafeFraction = 4, 2, 2, fp(1)
				c.Verdict = "invalid 2/2"
			}
			if vi == 2 && !f.Control { // not run
				c.Done, c.Verdict, c.FailoverP50, c.FailoverP95, c.FailoverMax, c.ElectionsPerMinute, c.NoLeaderS, c.UnsafeFraction = 0, RunNotRun, nil, nil, nil, nil, nil, nil
				for i := range c.Runs {
					c.Runs[i] = SweepRun{Name: c.Runs[i].Name, Repeat: i + 1, Status: RunNotRun}
				}
			}
			s.Cells = append(s.Cells, c)
		}
	}
	s.Recommendations = []Recommendation{{Fault: "none", Value: "1s", Text: "lease_ttl 1s: 0/2 unsafe, 0 false failovers, no failover with no faults"},
		{Fault: "pause-2x", Text: "no lease_ttl qualifies under pause-2x: 1s: 2/2 unsafe"}}
	return s
}

// The page: a plot per figure with a line per fault line, a legend, every
// cell in the table linking its runs' reports, nothing loaded and nothing
// injected.
func TestSweepHTML(t *testing.T) {
	s := sampleSweep()
	path := filepath.Join(t.TempDir(), SweepHTML)
	if err := WriteSweepHTML(path, s); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	page := string(b)
	plots := regexp.MustCompile(`<svg class="plot" data-figure="([a-z0-9_]+)"`).FindAllStringSubmatch(page, -1)
	if len(plots) != len(SweepFigures) || len(SweepFigures) != 7 {
		t.Fatalf("%d plots for %d figures", len(plots), len(SweepFigures))
	}
	for i, fig := range SweepFigures {
		if plots[i][1] != fig.Key {
			t.Errorf("plot %d is %s, want %s", i, plots[i][1], fig.Key)
		}
	}
	svgs := strings.Split(page, `<svg class="plot"`)[1:]
	for i, svg := range svgs {
		svg = svg[:strings.Index(svg, "</svg>")]
		key := SweepFigures[i].Key
		if n := strings.Count(svg, `class="legend-item"`); n != 2 {
			t.Errorf("%s: %d legend items, want 2", key, n)
		}
		if !strings.Contains(svg, "none (control: no faults)") || !strings.Contains(svg, `stroke-dasharray`) {
			t.Errorf("%s: the control line is not shown as one", key)
		}
		points := strings.Count(svg, `<circle class="point"`)
		lines := strings.Count(svg, `<polyline class="line"`)
		switch key {
		case "failover_p50_s", "failover_p95_s", "failover_max_s":
			// The control has no failover; the pause line two points (4s not run).
			if points != 2 || lines != 1 || !strings.Contains(svg, `data-fault="pause-2x"`) {
				t.Errorf("%s: %d points, %d lines", key, points, lines)
			}
		default:
			if points != 5 || lines != 2 {
				t.Errorf("%s: %d points, %d lines; want 5 and 2", key, points, lines)
			}
		}
		for _, v := range []string{">1s<", ">2s<", ">4s<", ">lease_ttl<"} {
			if !strings.Contains(svg, v) {
				t.Errorf("%s: no x label %s", key, v)
			}
		}
	}
	if !strings.Contains(svgs[1], `data-value="2s" data-y="2.5"`) {
		t.Error("the p95 plot lacks the 2s pause cell's 2.5 s")
	}
	if n := strings.Count(page, `<tr data-cell=`); n != 6 {
		t.Errorf("%d cell rows, want 6", n)
	}
	for _, c := range s.Cells {
		for _, r := range c.Runs {
			link := `href="` + r.Dir + `/report.html"`
			if r.Dir != "" && !strings.Contains(page, link) {
				t.Errorf("no link to %s", r.Dir)
			}
		}
	}
	if strings.Count(page, `/report.html"`) != 10 {
		t.Errorf("%d report links, want 10 (two runs not run)", strings.Count(page, `/report.html"`))
	}
	for _, want := range []string{`<div class="banner invalid"`, "no lease_ttl qualifies under pause-2x", `data-fault="none" data-value="1s"`, "exit code 1", "2 repeats"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "<b>2 s</b>") || !strings.Contains(page, "&lt;b&gt;2 s&lt;/b&gt;") {
		t.Error("a value's markup became part of the page")
	}
	for _, external := range []string{"<script", "src=", "<link", "http://", "https://"} {
		if strings.Contains(page, external) {
			t.Errorf("the page is not self-contained: %q", external)
		}
	}
	// The same sweep renders the same page.
	var again bytes.Buffer
	if err := RenderSweep(&again, s); err != nil || again.String() != page {
		t.Error("two renderings of one sweep differ")
	}
}

func TestNiceCeilAndPlotXs(t *testing.T) {
	for v, want := range map[float64]float64{0: 1, 0.3: 0.5, 1: 1, 1.2: 2, 7: 10, 12: 20} {
		if got := niceCeil(v); got != want {
			t.Errorf("niceCeil(%g) = %g, want %g", v, got, want)
		}
	}
	s := Sweep{Kind: "duration", Values: []SweepValue{{"1s", 1}, {"2s", 2}, {"5s", 5}}}
	xs := plotXs(s)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if !near(xs[0], 0.04) || !near(xs[2], 0.96) || !near(xs[1], 0.27) {
		t.Errorf("durations at %v", xs)
	}
	s.Kind = "text"
	if xs = plotXs(s); !near(xs[1], 0.5) {
		t.Errorf("text values at %v", xs)
	}
}
