package reports

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/chaos-election/chaos/history"
)

// Timeline geometry, in SVG user units.
const (
	svgWidth    = 1200.0
	laneLabel   = 110.0
	laneHeight  = 26.0
	faultBand   = 30.0 // above the lanes: fault labels
	maxTicks    = 2000 // marks per lane drawn one by one; above, bucketed
	bucketCount = 600
)

// timeline is what the SVG draws. Every drawn item carries its times in
// seconds (T0, T1) beside its x position for the whole run, so that the
// page's script can zoom without the server.
type timeline struct {
	Width, Height float64
	PlotX, PlotW  float64
	EndS          float64 // the run's length in seconds
	Lanes         []lane
	Faults        []span
	Anomalies     []span
	Ticks         []axisTick
	AxisY         float64
	BucketS       float64 // > 0: dense lanes were drawn in buckets of this many seconds
	// FalseFailovers is how many false failovers are marked (the legend
	// names their mark when there are any).
	FalseFailovers int
}

// falseFailoverKind is the liveness checker's note of a leadership change
// no fault explains: marked on the timeline in a colour of its own.
const falseFailoverKind = "false-failover"

type lane struct {
	Name   string
	Y      float64
	Bars   []span // leaderships, or the observer's leaders
	Writes []mark
}

type span struct {
	X, W, T0, T1 float64
	Label        string
	Class        string
	ID           int // the anomaly's number in the report's list
}

type mark struct {
	X, W, T0, T1 float64
	Class        string // "ok", "fail", "info"
	Title        string
}

type axisTick struct {
	X     float64
	Label string
}

// scale maps run time to x for the whole run.
type scale struct {
	end  time.Duration
	plot float64
}

func (s scale) x(t time.Duration) float64 { return laneLabel + float64(t)/float64(s.end)*s.plot }
func (s scale) w(a, b time.Duration) float64 {
	return max(1, s.x(b)-s.x(a))
}

func (s scale) span(a, b time.Duration, label, class string) span {
	return span{X: s.x(a), W: s.w(a, b), T0: a.Seconds(), T1: b.Seconds(), Label: label, Class: class, ID: -1}
}

// buildTimeline lays out ops: one lane per candidate (node), one per node
// for register ops, one for the observer, faults shaded across all lanes
// with their victims named, anomalies outlined.
func buildTimeline(ops []history.Op, anomalies []anomalyView) timeline {
	var end time.Duration
	if len(ops) > 0 {
		end = ops[len(ops)-1].Time
	}
	if end <= 0 {
		end = time.Second
	}
	sc := scale{end: end, plot: svgWidth - laneLabel - 10}

	type leaderState struct {
		since time.Duration
		token string
	}
	byNode := map[string]*lane{}
	var order []string
	laneOf := func(node string) *lane {
		if l, ok := byNode[node]; ok {
			return l
		}
		l := &lane{Name: node}
		byNode[node] = l
		order = append(order, node)
		return l
	}
	leading := map[string]leaderState{} // process -> since
	observer := &lane{Name: "observer"}
	var obsSince time.Duration
	sawObserver := false
	obsLeader := ""
	var faults []span
	var open []history.Op // fault-starts awaiting their heal
	endLeader := func(p, node string, t time.Duration) {
		if s, ok := leading[p]; ok {
			l := laneOf(node)
			l.Bars = append(l.Bars, sc.span(s.since, t, p+" led with token "+s.token+fmt.Sprintf(" from %.2f s to %.2f s", s.since.Seconds(), t.Seconds()), "lead"))
			delete(leading, p)
		}
	}
	writes := map[string][]history.Op{} // node -> write completions
	regs := map[string][]history.Op{}   // node -> register op completions
	for _, op := range ops {
		switch {
		case op.Process == history.Nemesis:
			switch op.F {
			case history.FFaultStart:
				open = append(open, op)
			case history.FFaultHeal:
				if i := matchHeal(open, op); i >= 0 {
					s := open[i]
					open = append(open[:i], open[i+1:]...)
					faults = append(faults, sc.span(s.Time, op.Time, faultLabel(s), "fault"))
				}
			}
			continue
		case op.Process == history.Observer:
			sawObserver = true
			if op.F == history.FLeader {
				if obsLeader != "" {
					observer.Bars = append(observer.Bars, sc.span(obsSince, op.Time, "the observer saw "+obsLeader+" lead", "obs"))
				}
				f, _ := op.Fields()
				obsLeader, obsSince = "", op.Time
				if f.Leader != nil {
					obsLeader = *f.Leader
				}
			}
			continue
		}
		node := op.Node
		if node == "" {
			node, _, _ = strings.Cut(op.Process, "#")
		}
		if isRegisterOp(op) {
			// The register workload's ops: a lane of their own per node,
			// one mark per completion.
			if op.Type != history.Invoke {
				regs[node] = append(regs[node], op)
				laneOf(node + registerLane)
			}
			continue
		}
		laneOf(node)
		switch {
		case op.Type == history.OK && op.F == history.FCampaign:
			f, _ := op.Fields()
			tok := "?"
			if f.Token != nil {
				tok = fmt.Sprint(*f.Token)
			}
			leading[op.Process] = leaderState{since: op.Time, token: tok}
		case op.Type == history.Info && op.F == history.FLost,
			op.Type == history.OK && op.F == history.FResign:
			endLeader(op.Process, node, op.Time)
		case op.Type != history.Invoke && op.F == history.FWrite:
			writes[node] = append(writes[node], op)
			if op.Type == history.Info {
				endLeader(op.Process, node, op.Time)
			}
		case op.Type == history.Info:
			endLeader(op.Process, node, op.Time)
		}
	}
	for p := range leading {
		node, _, _ := strings.Cut(p, "#")
		endLeader(p, node, end)
	}
	if obsLeader != "" {
		observer.Bars = append(observer.Bars, sc.span(obsSince, end, "the observer saw "+obsLeader+" lead", "obs"))
	}
	for _, s := range open {
		faults = append(faults, sc.span(s.Time, end, faultLabel(s)+" (not healed)", "fault"))
	}
	sort.Strings(order)
	tl := timeline{Width: svgWidth, PlotX: laneLabel, PlotW: sc.plot, EndS: end.Seconds(), Faults: faults}
	y := faultBand
	for _, name := range order {
		l := byNode[name]
		l.Y = y
		ws := writes[name]
		if node, ok := strings.CutSuffix(name, registerLane); ok {
			ws = regs[node]
		}
		var bucketed bool
		l.Writes, bucketed = writeMarks(ws, sc)
		if bucketed {
			tl.BucketS = end.Seconds() / bucketCount
		}
		tl.Lanes = append(tl.Lanes, *l)
		y += laneHeight
	}
	if sawObserver {
		observer.Y = y
		tl.Lanes = append(tl.Lanes, *observer)
		y += laneHeight
	}
	tl.AxisY, tl.Height = y+4, y+24
	times := opTimes(ops)
	for _, a := range anomalies {
		if a.ID < 0 {
			continue
		}
		t0, t1 := a.Start, a.End
		if t1 <= t0 { // no window of its own: the span of the ops that prove it
			t0, t1 = opsWindow(a.Anomaly.Ops, times)
		}
		s := sc.span(t0, t1, a.Message, "anom-"+a.Class)
		if a.Kind == falseFailoverKind {
			s.Class += " anom-false-failover"
			tl.FalseFailovers++
		}
		s.ID = a.ID
		tl.Anomalies = append(tl.Anomalies, s)
	}
	step := tickStep(end)
	for t := time.Duration(0); t <= end; t += step {
		tl.Ticks = append(tl.Ticks, axisTick{X: sc.x(t), Label: fmt.Sprintf("%gs", t.Seconds())})
	}
	return tl
}

// matchHeal finds the open fault a heal ends: the earliest of the same
// kind (the nemesis heals what it started), or the earliest at all.
func matchHeal(open []history.Op, heal history.Op) int {
	if len(open) == 0 {
		return -1
	}
	hf, _ := heal.Fault()
	for i, s := range open {
		if sf, _ := s.Fault(); sf.Kind == hf.Kind {
			return i
		}
	}
	return 0
}

// opTimes maps op indices to times, for anomalies without a window.
func opTimes(ops []history.Op) func(int64) (time.Duration, bool) {
	return func(idx int64) (time.Duration, bool) {
		// Indices are line numbers: usually ops[idx] itself.
		if idx >= 0 && idx < int64(len(ops)) && ops[idx].Index == idx {
			return ops[idx].Time, true
		}
		i := sort.Search(len(ops), func(i int) bool { return ops[i].Index >= idx })
		if i < len(ops) && ops[i].Index == idx {
			return ops[i].Time, true
		}
		return 0, false
	}
}

func opsWindow(idx []int64, at func(int64) (time.Duration, bool)) (time.Duration, time.Duration) {
	var t0, t1 time.Duration
	first := true
	for _, i := range idx {
		t, ok := at(i)
		if !ok {
			continue
		}
		if first || t < t0 {
			t0 = t
		}
		if first || t > t1 {
			t1 = t
		}
		first = false
	}
	return t0, t1
}

// registerLane suffixes the lane of a node's register ops: "n1 register".
const registerLane = " register"

// isRegisterOp tells the register workload's ops (read, cas, and writes
// with a key) from the election's.
func isRegisterOp(op history.Op) bool {
	switch op.F {
	case history.FRead, history.FCas:
		return true
	case history.FWrite:
		return bytes.Contains(op.Value, []byte(`"key"`))
	}
	return false
}

// writeMarks draws each op as a tick, or, past maxTicks, one bar per time
// bucket coloured by its worst outcome (and says it bucketed).
func writeMarks(ws []history.Op, sc scale) ([]mark, bool) {
	if len(ws) <= maxTicks {
		out := make([]mark, 0, len(ws))
		for _, op := range ws {
			out = append(out, mark{X: sc.x(op.Time), W: 1.2, T0: op.Time.Seconds(), T1: op.Time.Seconds(), Class: string(op.Type),
				Title: strings.TrimSpace(fmt.Sprintf("%s %s %s at %.3f s %s %s", op.Process, op.F, op.Type, op.Time.Seconds(), op.Value, op.Err))})
		}
		return out, false
	}
	rank := map[history.Type]int{history.OK: 1, history.Info: 2, history.Fail: 3}
	type bucket struct {
		worst        history.Type
		n, fail, inf int
	}
	bs := make([]bucket, bucketCount)
	for _, op := range ws {
		i := min(bucketCount-1, int(float64(op.Time)/float64(sc.end)*bucketCount))
		b := &bs[i]
		b.n++
		switch op.Type {
		case history.Fail:
			b.fail++
		case history.Info:
			b.inf++
		}
		if rank[op.Type] > rank[b.worst] {
			b.worst = op.Type
		}
	}
	var out []mark
	for i, b := range bs {
		if b.n == 0 {
			continue
		}
		t0 := time.Duration(float64(sc.end) * float64(i) / bucketCount)
		t1 := time.Duration(float64(sc.end) * float64(i+1) / bucketCount)
		out = append(out, mark{X: sc.x(t0), W: sc.w(t0, t1), T0: t0.Seconds(), T1: t1.Seconds(), Class: string(b.worst),
			Title: fmt.Sprintf("%d ops %.1f–%.1f s: %d ok, %d rejected, %d unknown", b.n, t0.Seconds(), t1.Seconds(), b.n-b.fail-b.inf, b.fail, b.inf)})
	}
	return out, true
}

// faultLabel names a fault and its victims: "partition isolate-leader
// n1 | n2 n3", "pause n2", "client-pause n1 for 8s", "link-delay
// isolate-leader n2 | n1 n3 delay 300ms jitter 100ms by netem", "flaky n1
// every 500ms".
func faultLabel(op history.Op) string {
	v, _ := op.Fault()
	parts := []string{v.Kind}
	if parts[0] == "" {
		parts[0] = "fault"
	}
	if v.Shape != "" {
		parts = append(parts, v.Shape)
	}
	switch {
	case len(v.Groups) > 0:
		gs := make([]string, len(v.Groups))
		for i, g := range v.Groups {
			gs[i] = strings.Join(g, " ")
		}
		parts = append(parts, strings.Join(gs, " | "))
	case v.Process != "":
		parts = append(parts, v.Process)
	case len(v.Nodes) > 0:
		parts = append(parts, strings.Join(v.Nodes, " "))
	case op.Node != "":
		parts = append(parts, op.Node)
	}
	if v.For != "" {
		parts = append(parts, "for "+v.For)
	}
	if v.Delay != "" {
		parts = append(parts, "delay "+v.Delay)
	}
	if v.Jitter != "" {
		parts = append(parts, "jitter "+v.Jitter)
	}
	if v.Loss > 0 {
		parts = append(parts, fmt.Sprintf("%g%% loss", v.Loss*100))
	}
	if v.Bandwidth != "" {
		parts = append(parts, v.Bandwidth)
	}
	if v.Direction != "" {
		parts = append(parts, v.Direction)
	}
	if v.Period != "" {
		parts = append(parts, "every "+v.Period)
	}
	if v.Method != "" {
		parts = append(parts, "by "+v.Method)
	}
	if v.Offset != "" {
		parts = append(parts, "offset "+v.Offset)
	}
	if v.Rate > 0 {
		parts = append(parts, fmt.Sprintf("rate %g", v.Rate))
	}
	return strings.Join(parts, " ")
}

func tickStep(end time.Duration) time.Duration {
	for _, s := range []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour} {
		if end/s <= 20 {
			return s
		}
	}
	return 4 * time.Hour
}
