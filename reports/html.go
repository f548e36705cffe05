package reports

import (
	"bytes"
	_ "embed"
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

//go:embed report.js
var reportScript string

//go:embed report.css
var reportStyle string

var funcs = template.FuncMap{
	"f1":    func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"f3":    func(v float64) string { return fmt.Sprintf("%.3f", v) },
	"fig":   func(v float64) string { return fmt.Sprintf("%.3g", v) },
	"upper": func(v checkers.Validity) string { return strings.ToUpper(string(v)) },
	// The page's own script and style, inlined: the report loads nothing.
	"script": func() template.JS { return template.JS(reportScript) },
	"style":  func() template.CSS { return template.CSS(reportStyle) },
}

var tmpl = template.Must(template.New("report").Funcs(funcs).Parse(reportTemplate))

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
	// Interrupted says the run was stopped before its end (Ctrl-C).
	Interrupted bool
	Warnings    []string
}

// explanations say in plain words what an anomaly that decides a verdict
// means.
var explanations = map[string]string{
	"stale-write-accepted":     "The resource accepted a write carrying an older fencing token after it had already accepted a newer one: with a fence, fencing failed; without one, two leaders' writes reached it interleaved. Either way the resource now holds writes out of order — the data corruption leader election exists to prevent.",
	"write-without-grant":      "A process that was never granted leadership wrote to the resource as a leader, and the write was accepted: the resource took orders from no leader at all.",
	"write-ungranted-token":    "A process wrote with a fencing token it was never granted (another leader's, or nobody's), and the write was accepted: tokens are only worth something if the resource can trust who carries them.",
	"no-grants":                "No campaign was ever granted: the cluster never had a leader, so no safety property was exercised. It is not a pass; a liveness limit on time without a leader fails it.",
	"split-brain":              "Two candidates believed they led at the same time and the resource accepted both of their writes, interleaved: split brain with effect. Whatever the resource protects was changed by two masters.",
	"contained-overlap":        "Two candidates believed they led at the same time (strict mode fails every such overlap, even one in which the resource saw one leader at a time).",
	"token-reused":             "The backend handed the same fencing token to two leaderships: a resource cannot tell them apart, so fencing cannot work. This is a safety bug in the backend or its recipe.",
	"token-not-increasing":     "A new leader got a lower fencing token than an earlier one: the resource would reject the new leader and accept the old one. This is a safety bug in the backend or its recipe.",
	"limit-exceeded":           "A liveness figure went past the limit the plan sets: the cluster was without a working leader for longer than allowed.",
	"too-many-elections":       "Leadership changed hands more often than the plan allows: the cluster flapped, and every election is a window in which nobody leads and clients retry.",
	"too-many-false-failovers": "More leaders were replaced than the plan allows while no fault had removed them (false failovers, marked on the timeline): the cluster gave up a working leader — under slow or lossy links, say — and paid a failover for nothing.",
	"no-faults":                "No fault took effect, so the run tested nothing under failure: it is not a pass.",
	"too-few-ops":              "Too few operations completed to judge anything: it is not a pass.",
	"not-linearizable":         "A read or compare-and-set on a key saw a value that no order of the operations consistent with real time can produce: the backend served a stale value (or lost a write) while reporting success. A client that decides on such a read — who leads, whether a lock is free — acts on the past. linearizability.html (porcupine's visualization) shows that key's operations and where every order fails.",
}

// Caps that keep the page small whatever the history holds; every
// anomaly is in results.json.
const (
	maxNotes     = 5  // non-fatal anomalies listed per checker and kind
	maxFatal     = 50 // fatal anomalies listed per checker and kind
	maxDetailOps = 40 // ops shown for one anomaly
)

// anomalyView is an anomaly as the report lists it. ID numbers the
// anomalies that have details (ops) on the page; -1 for summary rows.
type anomalyView struct {
	checkers.Anomaly
	ID      int
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
	Liveness     *livenessView
	Data         pageData
}

type figure struct {
	Name  string
	Value float64
}

// pageData is embedded as JSON for the page's script: what each anomaly's
// ops were, to show them when the anomaly is clicked.
type pageData struct {
	EndS      float64            `json:"end_s"`
	PlotX     float64            `json:"plot_x"`
	PlotW     float64            `json:"plot_w"`
	Anomalies []anomalyData      `json:"anomalies"`
	Ops       map[int64]opDetail `json:"ops"`
}

type anomalyData struct {
	Checker string  `json:"checker"`
	Kind    string  `json:"kind"`
	Message string  `json:"message"`
	T0      float64 `json:"t0"`
	T1      float64 `json:"t1"`
	Ops     []int64 `json:"ops"`
	More    int     `json:"more"` // ops left out of the page
}

type opDetail struct {
	T       float64 `json:"t"`
	Process string  `json:"p"`
	Node    string  `json:"n,omitempty"`
	Type    string  `json:"type"`
	F       string  `json:"f"`
	Value   string  `json:"v,omitempty"`
	Err     string  `json:"err,omitempty"`
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
	v.Anomalies, v.Explanations = listAnomalies(in.Results)
	for _, res := range in.Results.Results {
		var figs []figure
		for k, val := range res.Figures {
			figs = append(figs, figure{k, val})
		}
		sort.Slice(figs, func(i, j int) bool { return figs[i].Name < figs[j].Name })
		v.Figures[res.Checker] = figs
		if res.Checker == "liveness" {
			v.Liveness = buildLiveness(res)
		}
	}
	if len(v.Explanations) == 0 {
		v.Explanations = plainVerdict(in)
	}
	v.Timeline = buildTimeline(in.Ops, v.Anomalies)
	v.Data = buildPageData(in.Ops, v.Anomalies, v.Timeline)
	if err := tmpl.Execute(w, v); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

// listAnomalies orders the anomalies for the page (fatal first), caps each
// kind, numbers those shown, and collects the plain-words explanations of
// the fatal kinds.
func listAnomalies(r checkers.Results) ([]anomalyView, []string) {
	var out []anomalyView
	var expl []string
	seen := map[string]bool{}
	id := 0
	for _, res := range r.Results {
		shown := map[string]int{} // per kind and fatality
		hidden := map[string]int{}
		var hiddenOrder []string
		for _, a := range res.Anomalies {
			class, limit := "note", maxNotes
			if a.Fatal {
				class, limit = "fatal", maxFatal
				if e, ok := explanations[a.Kind]; ok && !seen[a.Kind] {
					seen[a.Kind] = true
					expl = append(expl, e)
				}
			}
			key := class + " " + a.Kind
			if shown[key] == limit {
				if hidden[key] == 0 {
					hiddenOrder = append(hiddenOrder, key)
				}
				hidden[key]++
				continue
			}
			shown[key]++
			out = append(out, anomalyView{Anomaly: a, ID: id, Checker: res.Checker, Class: class, Ops: opsText(a.Ops)})
			id++
		}
		for _, key := range hiddenOrder {
			class, kind, _ := strings.Cut(key, " ")
			out = append(out, anomalyView{Anomaly: checkers.Anomaly{Kind: kind,
				Message: fmt.Sprintf("… and %d more like these (all of them are in results.json)", hidden[key])},
				ID: -1, Checker: res.Checker, Class: class})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Class == "fatal" && out[j].Class != "fatal" })
	return out, expl
}

// plainVerdict says what a verdict without fatal anomalies rests on.
func plainVerdict(in Input) []string {
	var out []string
	if in.Interrupted {
		out = append(out, "The run was interrupted before its end: the checkers judged what was recorded until then, so the verdict is at best unknown.")
	}
	for _, res := range in.Results.Results {
		if res.Validity == checkers.Unknown {
			out = append(out, fmt.Sprintf("The %s checker could not decide: %s.", res.Checker, res.Summary))
		}
	}
	if len(out) == 0 && in.Results.Validity == checkers.Valid {
		out = append(out, "Every checker passed, with the faults shaded below in effect while the workload ran; each checker's summary says what it looked for. "+
			"A pass is evidence for this plan and seed, not a proof: run it again with other seeds and for longer.")
	}
	return out
}

// buildPageData collects, for each numbered anomaly, its window and the
// ops that prove it.
func buildPageData(ops []history.Op, as []anomalyView, tl timeline) pageData {
	d := pageData{EndS: tl.EndS, PlotX: tl.PlotX, PlotW: tl.PlotW, Ops: map[int64]opDetail{}, Anomalies: []anomalyData{}}
	at := opTimes(ops)
	byIndex := func(idx int64) (history.Op, bool) {
		if idx >= 0 && idx < int64(len(ops)) && ops[idx].Index == idx {
			return ops[idx], true
		}
		i := sort.Search(len(ops), func(i int) bool { return ops[i].Index >= idx })
		if i < len(ops) && ops[i].Index == idx {
			return ops[i], true
		}
		return history.Op{}, false
	}
	for _, a := range as {
		if a.ID < 0 {
			continue
		}
		t0, t1 := a.Start, a.End
		if t1 <= t0 {
			t0, t1 = opsWindow(a.Anomaly.Ops, at)
		}
		shown := a.Anomaly.Ops[:min(len(a.Anomaly.Ops), maxDetailOps)]
		d.Anomalies = append(d.Anomalies, anomalyData{Checker: a.Checker, Kind: a.Kind, Message: a.Message,
			T0: t0.Seconds(), T1: t1.Seconds(), Ops: shown, More: len(a.Anomaly.Ops) - len(shown)})
		for _, idx := range shown {
			if op, ok := byIndex(idx); ok {
				d.Ops[idx] = opDetail{T: op.Time.Seconds(), Process: op.Process, Node: op.Node, Type: string(op.Type), F: op.F, Value: string(op.Value), Err: op.Err}
			}
		}
	}
	return d
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
