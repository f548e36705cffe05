package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/chaos-election/chaos/checkers"
)

// livenessView is the report's liveness section: its figures in words and
// a plot of the failover time after each fault that removed the leader.
type livenessView struct {
	Sentences []string
	Chart     failoverChart
}

type failoverChart struct {
	Width, Height float64
	BaseY         float64 // the zero line
	Bars          []failoverBar
	YTicks        []yTick
}

type failoverBar struct {
	X, Y, W, H float64
	T0, T1     float64 // the fault and the new grant (or the end), seconds
	Class      string  // "resolved" or "unresolved"
	Label      string  // under the bar: the fault
	Title      string
}

type yTick struct {
	Y     float64
	Label string
}

// Failover plot geometry.
const (
	chartWidth  = 1200.0
	chartHeight = 220.0
	chartLeft   = 60.0
	chartTop    = 14.0
	chartBottom = 44.0 // room for the fault labels
	maxBarWidth = 40.0
)

func buildLiveness(res checkers.Result) *livenessView {
	f := res.Figures
	lv := &livenessView{}
	lv.Sentences = append(lv.Sentences, fmt.Sprintf("No leader for %.2f s in all; the longest stretch without one was %.2f s.",
		f["no_leader_total_s"], f["no_leader_longest_s"]))
	if n := f["failovers"] + f["failovers_unresolved"]; n > 0 {
		s := fmt.Sprintf("%s removed the leader", plural(int(n), "fault", "faults"))
		if f["failovers"] > 0 {
			s += fmt.Sprintf("; a new leader was granted after a median of %.2f s (max %.2f s)", f["failover_median_s"], f["failover_max_s"])
		}
		if u := f["failovers_unresolved"]; u > 0 {
			s += fmt.Sprintf("; after %s no new leader came before the end", plural(int(u), "of them", "of them"))
		}
		lv.Sentences = append(lv.Sentences, s+".")
	} else {
		lv.Sentences = append(lv.Sentences, "No fault removed the leader, so there was no failover to time.")
	}
	if len(res.Survived) > 0 {
		lv.Sentences = append(lv.Sentences, survivedSentence(res.Survived))
	}
	if n := f["partitions_no_majority"]; n > 0 {
		lv.Sentences = append(lv.Sentences, fmt.Sprintf("%s left no side a majority (an even split): no side could elect a leader until the heal.",
			plural(int(n), "partition", "partitions")))
	}
	if e := f["elections"]; e > 0 {
		lv.Sentences = append(lv.Sentences, fmt.Sprintf("%s (%.1f per minute); leaderships lasted %.2f s to %.2f s, median %.2f s.",
			plural(int(e), "election", "elections"), f["elections_per_minute"], f["leadership_min_s"], f["leadership_max_s"], f["leadership_median_s"]))
	}
	if n := f["takeovers_early"]; n > 0 {
		lv.Sentences = append(lv.Sentences, earlySentence(res.Anomalies, int(n), f["takeover_early_max_s"]))
	}
	if n := f["false_failovers"]; n > 0 {
		lv.Sentences = append(lv.Sentences, falseFailoverSentence(res.Anomalies, int(n)))
	}
	lv.Chart = buildFailoverChart(res.Failovers)
	return lv
}

// maxSurvived is how many survived faults the sentence names; all are in
// results.json.
const maxSurvived = 5

// survivedSentence names the faults the leader survived.
func survivedSentence(ss []checkers.Survival) string {
	var parts []string
	for i, s := range ss {
		if i == maxSurvived {
			parts = append(parts, fmt.Sprintf("%d more", len(ss)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%s at %.2f s (op %d, held %.2f s) by %s with token %d", s.Fault, s.Start.Seconds(), s.FaultOp, s.HeldS, s.Process, s.Token))
	}
	return fmt.Sprintf("The leader survived %s that hit it, leading through each until its heal: %s.",
		plural(len(ss), "fault", "faults"), strings.Join(parts, "; "))
}

// earlySentence names the takeovers before the lease ended (the liveness
// checker's early-takeover notes), the first maxSurvived of them.
func earlySentence(as []checkers.Anomaly, n int, most float64) string {
	var parts []string
	for _, a := range as {
		if a.Kind != "early-takeover" || len(a.Processes) != 2 || len(a.Ops) == 0 {
			continue
		}
		if len(parts) == maxSurvived {
			parts = append(parts, fmt.Sprintf("%d more", n-maxSurvived))
			break
		}
		parts = append(parts, fmt.Sprintf("%s from %s at %.2f s (op %d), %.2f s early", a.Processes[1], a.Processes[0], a.Start.Seconds(), a.Ops[0], (a.End-a.Start).Seconds()))
	}
	return fmt.Sprintf("%s took the lease over before the expiry its holder had stamped on it (up to %.2f s early): %s. "+
		"The holder may still lead by its own clock meanwhile; the lanes show both.", plural(n, "campaign", "campaigns"), most, strings.Join(parts, "; "))
}

// falseFailoverSentence names the leadership changes no fault explains
// (the liveness checker's false-failover notes), the first maxSurvived of
// them: who followed whom, the window of the change (from the old
// leadership's end to the new grant, or, for a takeover, from the grant to
// the old one's end) and the op of the new grant.
func falseFailoverSentence(as []checkers.Anomaly, n int) string {
	var parts []string
	for _, a := range as {
		if a.Kind != falseFailoverKind || len(a.Processes) == 0 || len(a.Ops) == 0 {
			continue
		}
		if len(parts) == maxSurvived {
			parts = append(parts, fmt.Sprintf("%d more", n-maxSurvived))
			break
		}
		from, to := a.Processes[0], a.Processes[len(a.Processes)-1]
		who := to + " after " + from
		if from == to {
			who = to + " again"
		}
		// The new grant is the last of its ops.
		parts = append(parts, fmt.Sprintf("%s at %.2f–%.2f s (op %d)", who, a.Start.Seconds(), a.End.Seconds(), a.Ops[len(a.Ops)-1]))
	}
	what := "leadership changes were false failovers"
	if n == 1 {
		what = "leadership change was a false failover"
	}
	return fmt.Sprintf("%d %s, a new leader while no fault had removed the old one: %s. "+
		"The timeline marks each; the anomalies name the faults in effect.", n, what, strings.Join(parts, "; "))
}

// buildFailoverChart draws one bar per failover, in the order of the
// faults; an unresolved one reaches to the end of the run and is drawn
// hatched.
func buildFailoverChart(fos []checkers.Failover) failoverChart {
	c := failoverChart{Width: chartWidth, Height: chartHeight, BaseY: chartHeight - chartBottom}
	if len(fos) == 0 {
		return c
	}
	top := 0.0
	for _, fo := range fos {
		top = max(top, fo.TookS)
	}
	top = niceCeil(top)
	plotH := c.BaseY - chartTop
	slot := (chartWidth - chartLeft - 10) / float64(len(fos))
	w := min(maxBarWidth, slot*0.7)
	for i, fo := range fos {
		h := max(1, fo.TookS/top*plotH)
		class, what := "resolved", fmt.Sprintf("a new leader %.2f s later", fo.TookS)
		if !fo.Resolved {
			class, what = "unresolved", fmt.Sprintf("no new leader in the %.2f s left", fo.TookS)
		}
		t0 := fo.Start.Seconds()
		bar := failoverBar{
			X: chartLeft + slot*float64(i) + (slot-w)/2, Y: c.BaseY - h, W: w, H: h, T0: t0, T1: t0 + fo.TookS,
			Class: class, Title: fmt.Sprintf("%s at %.2f s (op %d): %s", fo.Fault, t0, fo.FaultOp, what),
		}
		if slot >= 36 { // room for a label under each bar
			bar.Label = fmt.Sprintf("%s %.1fs", fo.Fault, t0)
		}
		c.Bars = append(c.Bars, bar)
	}
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		c.YTicks = append(c.YTicks, yTick{Y: c.BaseY - v/top*plotH, Label: fmt.Sprintf("%.3g s", v)})
	}
	return c
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
