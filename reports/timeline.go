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
	laneLabel   = 90.0
	laneHeight  = 26.0
	maxTicks    = 2000 // writes per lane drawn one by one; above, bucketed
	bucketCount = 600
)

// timeline is what the SVG draws.
type timeline struct {
	Width, Height float64
	Lanes         []lane
	Faults        []span
	Anomalies     []span
	Ticks         []axisTick
	AxisY         float64
}

type lane struct {
	Name   string
	Y      float64
	Bars   []span // leaderships, or the observer's leaders
	Writes []mark
}

type span struct {
	X, W  float64
	Label string
	Class string
}

type mark struct {
	X, W  float64
	Class string // "ok", "fail", "info"
	Title string
}

type axisTick struct {
	X     float64
	Label string
}

// buildTimeline lays out ops: one lane per candidate (node), one for the
// observer, faults shaded across all lanes, anomalies outlined.
func buildTimeline(ops []history.Op, anomalies []anomalyView) timeline {
	var end time.Duration
	if len(ops) > 0 {
		end = ops[len(ops)-1].Time
	}
	if end <= 0 {
		end = time.Second
	}
	plot := svgWidth - laneLabel - 10
	x := func(t time.Duration) float64 { return laneLabel + float64(t)/float64(end)*plot }
	w := func(a, b time.Duration) float64 { return max(1, x(b)-x(a)) }

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
	pendingWrite := map[string]history.Op{}
	observer := &lane{Name: "observer"}
	var obsSince time.Duration
	sawObserver := false
	obsLeader := ""
	var faults []span
	var open []history.Op // fault-starts awaiting their heal
	endLeader := func(p, node string, t time.Duration) {
		if s, ok := leading[p]; ok {
			l := laneOf(node)
			l.Bars = append(l.Bars, span{X: x(s.since), W: w(s.since, t), Label: p + " token " + s.token, Class: "lead"})
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
				if len(open) > 0 {
					s := open[0]
					open = open[1:]
					faults = append(faults, span{X: x(s.Time), W: w(s.Time, op.Time), Label: faultLabel(s), Class: "fault"})
				}
			}
			continue
		case op.Process == history.Observer:
			sawObserver = true
			if op.F == history.FLeader {
				if obsLeader != "" {
					observer.Bars = append(observer.Bars, span{X: x(obsSince), W: w(obsSince, op.Time), Label: obsLeader, Class: "obs"})
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
		case op.Type == history.Invoke && op.F == history.FWrite:
			pendingWrite[op.Process] = op
		case op.Type != history.Invoke && op.F == history.FWrite:
			writes[node] = append(writes[node], op)
			delete(pendingWrite, op.Process)
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
		observer.Bars = append(observer.Bars, span{X: x(obsSince), W: w(obsSince, end), Label: obsLeader, Class: "obs"})
	}
	for _, s := range open {
		faults = append(faults, span{X: x(s.Time), W: w(s.Time, end), Label: faultLabel(s) + " (not healed)", Class: "fault"})
	}
	sort.Strings(order)
	tl := timeline{Width: svgWidth, Faults: faults}
	y := 24.0
	for _, name := range order {
		l := byNode[name]
		l.Y = y
		if node, ok := strings.CutSuffix(name, registerLane); ok {
			l.Writes = writeMarks(regs[node], x, end)
		} else {
			l.Writes = writeMarks(writes[name], x, end)
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
	for _, a := range anomalies {
		if a.End > a.Start {
			tl.Anomalies = append(tl.Anomalies, span{X: x(a.Start), W: w(a.Start, a.End), Label: a.Message, Class: a.Class})
		}
	}
	step := tickStep(end)
	for t := time.Duration(0); t <= end; t += step {
		tl.Ticks = append(tl.Ticks, axisTick{X: x(t), Label: fmt.Sprintf("%gs", t.Seconds())})
	}
	return tl
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

// writeMarks draws each write as a tick, or, past maxTicks, one bar per
// time bucket coloured by its worst outcome.
func writeMarks(ws []history.Op, x func(time.Duration) float64, end time.Duration) []mark {
	if len(ws) <= maxTicks {
		out := make([]mark, 0, len(ws))
		for _, op := range ws {
			out = append(out, mark{X: x(op.Time), W: 1.2, Class: string(op.Type), Title: strings.TrimSpace(fmt.Sprintf("%s %s %s at %.3f s %s %s", op.Process, op.F, op.Type, op.Time.Seconds(), op.Value, op.Err))})
		}
		return out
	}
	rank := map[history.Type]int{history.OK: 1, history.Info: 2, history.Fail: 3}
	type bucket struct {
		worst history.Type
		n     int
	}
	bs := make([]bucket, bucketCount)
	for _, op := range ws {
		i := min(bucketCount-1, int(float64(op.Time)/float64(end)*bucketCount))
		bs[i].n++
		if rank[op.Type] > rank[bs[i].worst] {
			bs[i].worst = op.Type
		}
	}
	var out []mark
	for i, b := range bs {
		if b.n == 0 {
			continue
		}
		t0 := time.Duration(float64(end) * float64(i) / bucketCount)
		t1 := time.Duration(float64(end) * float64(i+1) / bucketCount)
		out = append(out, mark{X: x(t0), W: max(1, x(t1)-x(t0)), Class: string(b.worst),
			Title: fmt.Sprintf("%d ops %.1f–%.1f s, worst %s", b.n, t0.Seconds(), t1.Seconds(), b.worst)})
	}
	return out
}

func faultLabel(op history.Op) string {
	f, _ := op.Fields()
	label := f.Fault
	var v struct {
		Shape   string `json:"shape"`
		Process string `json:"process"`
	}
	_ = jsonUnmarshal(op.Value, &v)
	switch {
	case v.Shape != "":
		label += " " + v.Shape
	case v.Process != "":
		label += " " + v.Process
	case len(f.Nodes) > 0:
		label += " " + strings.Join(f.Nodes, ",")
	}
	if label == "" {
		label = "fault"
	}
	return label
}

func tickStep(end time.Duration) time.Duration {
	for _, s := range []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour} {
		if end/s <= 20 {
			return s
		}
	}
	return 4 * time.Hour
}
