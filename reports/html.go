package reports

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
)

//go:embed report.html.tmpl
var reportTemplate string

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"f1":    func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"fig":   func(v float64) string { return fmt.Sprintf("%.3g", v) },
	"upper": func(v checkers.Validity) string { return strings.ToUpper(string(v)) },
}).Parse(reportTemplate))

// Link is a file of the run the report points at.
type Link struct{ Name, Href string }

// Input is everything report.html shows.
type Input struct {
	Title   string
	Results checkers.Results
	Ops     []history.Op
	Plan    string // the resolved plan, YAML
	Seed    int64
	Command string // the command that replays the run
	Started time.Time
	Links   []Link
}

// explanations say in plain words what a fatal anomaly means.
var explanations = map[string]string{
	"stale-write-accepted": "A leader that had already been replaced wrote to the resource after the new leader's writes had reached it, and the write was accepted: fencing failed, and the resource now holds two leaders' writes out of order — the data corruption leader election exists to prevent.",
	"split-brain":          "Two candidates believed they led at the same time and the resource accepted both of their writes, interleaved: split brain with effect. Whatever the resource protects was changed by two masters.",
	"contained-overlap":    "Two candidates believed they led at the same time (strict mode fails every such overlap, even when fencing stopped the stale one).",
	"token-reused":         "The backend handed the same fencing token to two leaderships: a resource cannot tell them apart, so fencing cannot work. This is a safety bug in the backend or its recipe.",
	"token-not-increasing": "A new leader got a lower fencing token than an earlier one: the resource would reject the new leader and accept the old one. This is a safety bug in the backend or its recipe.",
	"limit-exceeded":       "A liveness figure went past the limit the plan sets: the cluster was without a working leader for longer than allowed.",
	"no-faults":            "No fault took effect, so the run tested nothing under failure: it is not a pass.",
	"too-few-ops":          "Too few operations completed to judge anything: it is not a pass.",
	"not-linearizable":     "A read or compare-and-set on a key saw a value that no order of the operations consistent with real time can produce: the backend served a stale value (or lost a write) while reporting success. A client that decides on such a read — who leads, whether a lock is free — acts on the past. linearizability.html (porcupine's visualization) shows that key's operations and where every order fails.",
}

// maxNotes is how many non-fatal anomalies of one kind the report lists.
const maxNotes = 5

// anomalyView is an anomaly as the report lists it.
type anomalyView struct {
	checkers.Anomaly
	Checker string
	Class   string
	Ops     string
}

type view struct {
	Input
	Verdict      checkers.Validity
	Explanations []string
	Anomalies    []anomalyView
	Timeline     timeline
	Figures      map[string][]figure
}

type figure struct {
	Name  string
	Value float64
}

// WriteHTML writes report.html: one self-contained file, no external
// script, style or font.
func WriteHTML(path string, in Input) error {
	var buf bytes.Buffer
	if err := RenderHTML(&buf, in); err != nil {
		return err
	}
	return writeAtomic(path, buf.Bytes())
}

// RenderHTML renders the report to w.
func RenderHTML(w io.Writer, in Input) error {
	v := view{Input: in, Verdict: in.Results.Validity, Figures: map[string][]figure{}}
	seen := map[string]bool{}
	for _, res := range in.Results.Results {
		notes := map[string]int{} // non-fatal anomalies listed per kind
		for _, a := range res.Anomalies {
			class := "note"
			if !a.Fatal {
				if notes[a.Kind]++; notes[a.Kind] > maxNotes {
					continue
				}
			}
			if a.Fatal {
				class = "fatal"
				if e, ok := explanations[a.Kind]; ok && !seen[a.Kind] {
					seen[a.Kind] = true
					v.Explanations = append(v.Explanations, e)
				}
			}
			v.Anomalies = append(v.Anomalies, anomalyView{Anomaly: a, Checker: res.Checker, Class: class, Ops: opsText(a.Ops)})
		}
		for kind, n := range notes {
			if n > maxNotes {
				v.Anomalies = append(v.Anomalies, anomalyView{Anomaly: checkers.Anomaly{Kind: kind,
					Message: fmt.Sprintf("… and %d more like these (all of them are in results.json)", n-maxNotes)}, Checker: res.Checker, Class: "note"})
			}
		}
		var figs []figure
		for k, val := range res.Figures {
			figs = append(figs, figure{k, val})
		}
		sort.Slice(figs, func(i, j int) bool { return figs[i].Name < figs[j].Name })
		v.Figures[res.Checker] = figs
	}
	sort.SliceStable(v.Anomalies, func(i, j int) bool { return v.Anomalies[i].Class == "fatal" && v.Anomalies[j].Class != "fatal" })
	v.Timeline = buildTimeline(in.Ops, v.Anomalies)
	if err := tmpl.Execute(w, v); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

func opsText(ops []int64) string {
	const most = 12
	parts := make([]string, 0, min(len(ops), most))
	for i, o := range ops {
		if i == most {
			parts = append(parts, fmt.Sprintf("… %d more", len(ops)-most))
			break
		}
		parts = append(parts, fmt.Sprint(o))
	}
	return strings.Join(parts, ", ")
}

func jsonUnmarshal(b []byte, v any) error {
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, v)
}
