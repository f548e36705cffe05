package reports

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// SweepFigure is one figure sweep.html plots against the swept setting.
type SweepFigure struct {
	Key   string // its field in sweep.json's cells ("failover_p95_s")
	Title string
	Unit  string // "s", "/min", or "" for counts and fractions
	of    func(SweepCell) *float64
}

// SweepFigures are the page's plots, in order: one per figure.
var SweepFigures = []SweepFigure{
	{"failover_p50_s", "failover p50", "s", func(c SweepCell) *float64 { return c.FailoverP50 }},
	{"failover_p95_s", "failover p95", "s", func(c SweepCell) *float64 { return c.FailoverP95 }},
	{"failover_max_s", "failover max", "s", func(c SweepCell) *float64 { return c.FailoverMax }},
	{"false_failovers", "false failovers (all repeats)", "", func(c SweepCell) *float64 {
		if c.Done == 0 {
			return nil
		}
		v := float64(c.FalseFailovers)
		return &v
	}},
	{"elections_per_minute", "elections per minute (mean)", "", func(c SweepCell) *float64 { return c.ElectionsPerMinute }},
	{"no_leader_s", "time without a leader (mean per run)", "s", func(c SweepCell) *float64 { return c.NoLeaderS }},
	{"unsafe_fraction", "unsafe runs (dual leaders or stale writes)", "", func(c SweepCell) *float64 { return c.UnsafeFraction }},
}

// plotColours are the fault lines' colours, in order; a control line is
// grey and dashed.
var plotColours = []string{"#4a78c2", "#c62828", "#1a7f37", "#e07b00", "#8e24aa", "#00838f", "#6d4c41", "#ad1457"}

const controlColour = "#777"

// The plot's geometry, in SVG units.
const (
	plotW, plotH                   = 420, 230
	padL, padR, padT, padB         = 52, 16, 30, 42
	legendRow                      = 17
	markerR                        = 3.5
	yTicks                         = 5
	maxFraction            float64 = 1
)

// plotLine is one fault line's points, one per value (nil: no figure).
type plotLine struct {
	label   string
	colour  string
	control bool
	ys      []*float64
}

// sweepPlot draws one figure of s against its setting: an inline SVG with
// a line and markers per fault line, the values on x, and a legend.
func sweepPlot(s Sweep, fig SweepFigure) template.HTML {
	lines := make([]plotLine, len(s.Faults))
	for i, f := range s.Faults {
		l := plotLine{label: f.Label, colour: plotColours[i%len(plotColours)], control: f.Control, ys: make([]*float64, len(s.Values))}
		if f.Control {
			l.colour = controlColour
		}
		lines[i] = l
	}
	for _, c := range s.Cells {
		vi, fi := valueIndex(s, c.Value), faultIndex(s, c.Fault)
		if vi >= 0 && fi >= 0 {
			lines[fi].ys[vi] = fig.of(c)
		}
	}

	top := 0.0
	for _, l := range lines {
		for _, y := range l.ys {
			if y != nil {
				top = math.Max(top, *y)
			}
		}
	}
	top = niceCeil(top)
	if fig.Key == "unsafe_fraction" {
		top = maxFraction
	}
	xs := plotXs(s)

	h := plotH + legendRow*len(lines)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="plot" data-figure="%s" viewBox="0 0 %d %d" role="img" aria-label="%s against %s">`,
		fig.Key, plotW, h, esc(fig.Title), esc(s.Setting))
	title := fig.Title
	if fig.Unit != "" {
		title += " (" + fig.Unit + ")"
	}
	fmt.Fprintf(&b, `<text x="%d" y="18" font-weight="600">%s</text>`, padL, esc(title))
	x0, x1, y0, y1 := float64(padL), float64(plotW-padR), float64(plotH-padB), float64(padT)
	ypos := func(v float64) float64 { return y0 - (y0-y1)*v/top }
	for i := 0; i <= yTicks; i++ {
		v := top * float64(i) / yTicks
		y := ypos(v)
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x0, y, x1, y)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`, x0-6, y+4, tick(v))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999"/>`, x0, y0, x1, y0)
	for i, v := range s.Values {
		x := x0 + (x1-x0)*xs[i]
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999"/>`, x, y0, x, y0+4)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x, y0+16, esc(v.Label))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="muted">%s</text>`, (x0+x1)/2, y0+32, esc(s.Setting))
	for _, l := range lines {
		dash := ""
		if l.control {
			dash = ` stroke-dasharray="5 3"`
		}
		// A missing figure breaks the line.
		var seg []string
		flush := func() {
			if len(seg) > 1 {
				fmt.Fprintf(&b, `<polyline class="line" data-fault="%s" fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`,
					esc(l.label), l.colour, dash, strings.Join(seg, " "))
			}
			seg = seg[:0]
		}
		for i, y := range l.ys {
			if y == nil {
				flush()
				continue
			}
			seg = append(seg, fmt.Sprintf("%.1f,%.1f", x0+(x1-x0)*xs[i], ypos(*y)))
		}
		flush()
		for i, y := range l.ys {
			if y == nil {
				continue
			}
			fmt.Fprintf(&b, `<circle class="point" data-fault="%s" data-value="%s" data-y="%s" cx="%.1f" cy="%.1f" r="%.1f" fill="%s"><title>%s %s, %s: %s%s</title></circle>`,
				esc(l.label), esc(s.Values[i].Label), strconv.FormatFloat(*y, 'g', 6, 64), x0+(x1-x0)*xs[i], ypos(*y), markerR, l.colour,
				esc(s.Setting), esc(s.Values[i].Label), esc(l.label), tick(*y), unitSuffix(fig.Unit))
		}
	}
	for i, l := range lines {
		y := float64(plotH + legendRow*i + 4)
		dash := ""
		if l.control {
			dash = ` stroke-dasharray="5 3"`
		}
		name := l.label
		if l.control {
			name += " (control: no faults)"
		}
		fmt.Fprintf(&b, `<g class="legend-item" data-fault="%s"><line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="2"%s/><text x="%d" y="%.1f">%s</text></g>`,
			esc(l.label), padL, y, padL+22, y, l.colour, dash, padL+28, y+4, esc(name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it went through esc
}

// plotXs places the values on [0.04, 0.96] of the x axis: by value for
// durations and numbers, evenly for text (or a single value).
func plotXs(s Sweep) []float64 {
	n := len(s.Values)
	out := make([]float64, n)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range s.Values {
		lo, hi = math.Min(lo, v.X), math.Max(hi, v.X)
	}
	for i, v := range s.Values {
		switch {
		case n == 1:
			out[i] = 0.5
		case s.Kind == "text" || hi == lo:
			out[i] = 0.04 + 0.92*float64(i)/float64(n-1)
		default:
			out[i] = 0.04 + 0.92*(v.X-lo)/(hi-lo)
		}
	}
	return out
}

// tick formats an axis or point value: up to three significant digits.
func tick(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }

func unitSuffix(u string) string {
	switch u {
	case "":
		return ""
	case "s":
		return " s"
	}
	return u
}

func esc(s string) string { return html.EscapeString(s) }

func valueIndex(s Sweep, label string) int {
	for i, v := range s.Values {
		if v.Label == label {
			return i
		}
	}
	return -1
}

func faultIndex(s Sweep, label string) int {
	for i, f := range s.Faults {
		if f.Label == label {
			return i
		}
	}
	return -1
}
