package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/chaos-election/chaos/checkers"
)

//go:embed sweep.html.tmpl
var sweepTemplate string

//go:embed sweep.css
var sweepStyle string

var sweepTmpl = template.Must(template.New("sweep").Funcs(funcs).Funcs(template.FuncMap{
	"sweepStyle": func() template.CSS { return template.CSS(sweepStyle) },
	"secs":       func(v *float64) string { return cellFigure(v, " s") },
	"num":        func(v *float64) string { return cellFigure(v, "") },
}).Parse(sweepTemplate))

// sweepPage is what sweep.html shows.
type sweepPage struct {
	Sweep
	Verdict checkers.Validity
	Note    string
	Plots   []template.HTML
	Rows    []sweepRow
}

// sweepRow is one cell's line in the table.
type sweepRow struct {
	SweepCell
	Line  SweepFault
	Class string // the badge's colour: valid, invalid, unknown, error
	Note  string // what its verdict means, when not plain
	Runs  []sweepRunLink
}

// sweepRunLink is one repeat's link to its report.
type sweepRunLink struct {
	SweepRun
	Href, Title string
}

// WriteSweepHTML writes sweep.html atomically: one self-contained page
// (inline style and SVG, no script, nothing loaded) with the
// recommendation, a plot per figure ([SweepFigures]) against the swept
// setting with a line per fault line, and a table of cells whose runs
// link their reports.
func WriteSweepHTML(path string, s Sweep) error {
	var buf bytes.Buffer
	if err := RenderSweep(&buf, s); err != nil {
		return err
	}
	return writeAtomic(path, buf.Bytes())
}

// RenderSweep renders sweep.html to w.
func RenderSweep(w io.Writer, s Sweep) error {
	p := sweepPage{Sweep: s, Verdict: Matrix{Validity: s.Validity}.Verdict()}
	p.Note = fmt.Sprintf("%s × %d fault lines × %s · %d runs", s.Setting, len(s.Faults), plural(s.Count, "repeat", "repeats"), s.Total)
	if s.Shard != "" {
		p.Note += " · shard " + s.Shard
	}
	p.Note += " · exit code " + strconv.Itoa(s.ExitCode)
	for _, fig := range SweepFigures {
		p.Plots = append(p.Plots, sweepPlot(s, fig))
	}
	// By fault line, then by value: a line's cells read as its plot does.
	for fi, f := range s.Faults {
		for _, c := range s.Cells {
			if faultIndex(s, c.Fault) == fi {
				p.Rows = append(p.Rows, sweepRowOf(c, f))
			}
		}
	}
	if err := sweepTmpl.Execute(w, p); err != nil {
		return fmt.Errorf("render sweep: %w", err)
	}
	return nil
}

func sweepRowOf(c SweepCell, f SweepFault) sweepRow {
	r := sweepRow{SweepCell: c, Line: f}
	switch {
	case c.Invalid > 0:
		r.Class = string(checkers.Invalid)
	case c.Errors > 0:
		r.Class = "error"
	case c.Unknown > 0 || c.Done == 0:
		r.Class = string(checkers.Unknown)
	default:
		r.Class = string(checkers.Valid)
	}
	var notes []string
	if f.Control && c.Done > 0 {
		notes = append(notes, "a control: the verdict of a quiet cluster")
	}
	if c.Errors > 0 {
		notes = append(notes, plural(c.Errors, "harness error", "harness errors"))
	}
	if n := len(c.Runs) - c.Done - c.Errors; n > 0 {
		notes = append(notes, fmt.Sprintf("%d of %d not here", n, len(c.Runs)))
	}
	r.Note = strings.Join(notes, "; ")
	for _, run := range c.Runs {
		l := sweepRunLink{SweepRun: run, Title: run.Name + ": " + run.Status}
		if run.Validity != "" {
			l.Title = run.Name + ": " + string(run.Validity)
		}
		if run.Unsafe {
			l.Title += " (unsafe)"
		}
		if run.Problem != "" {
			l.Title += " — " + run.Problem
		}
		if run.Dir != "" {
			l.Href = path.Join(run.Dir, "report.html")
		}
		r.Runs = append(r.Runs, l)
	}
	return r
}

// cellFigure formats a figure of the table; "–" when there is none.
func cellFigure(v *float64, unit string) string {
	if v == nil {
		return "–"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64) + unit
}
