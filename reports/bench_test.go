package reports

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/internal/headless"
)

// hourHistory is an hour of an election run at 500 writes a second
// (3.6 million history lines): three candidates, the leader paused every
// 20 s and replaced, and every 10 minutes a stale write accepted.
func hourHistory() []history.Op {
	const (
		hour     = time.Hour
		perSec   = 500
		epoch    = 20 * time.Second
		staleGap = 10 * time.Minute
	)
	ops := make([]history.Op, 0, 2*perSec*3600+2000)
	add := func(t time.Duration, p string, typ history.Type, f string, v []byte) {
		node := p
		if p == history.Nemesis || p == history.Observer {
			node = ""
		}
		ops = append(ops, history.Op{Index: int64(len(ops)), Time: t, Process: p, Node: node, Type: typ, F: f, Value: v})
	}
	nodes := []string{"n1", "n2", "n3"}
	step := time.Second / perSec
	seq := 0
	for e := 0; time.Duration(e)*epoch < hour; e++ {
		start := time.Duration(e) * epoch
		leader, token := nodes[e%3], e+1
		tok := []byte(`{"token":` + strconv.Itoa(token) + `}`)
		add(start, leader, history.Invoke, history.FCampaign, []byte(`{}`))
		add(start+time.Millisecond, leader, history.OK, history.FCampaign, tok)
		add(start+2*time.Millisecond, history.Observer, history.Info, history.FLeader, []byte(`{"leader":"`+leader+`","token":`+strconv.Itoa(token)+`}`))
		for t := start + 5*time.Millisecond; t < start+epoch-2*time.Second; t += step {
			v := []byte(fmt.Sprintf(`{"token":%d,"seq":%d}`, token, seq))
			seq++
			add(t, leader, history.Invoke, history.FWrite, v)
			add(t+step/2, leader, history.OK, history.FWrite, v)
		}
		pause := []byte(`{"fault":"pause","nodes":["` + leader + `"]}`)
		add(start+epoch-2*time.Second, history.Nemesis, history.Info, history.FFaultStart, pause)
		add(start+epoch-time.Second, history.Nemesis, history.Info, history.FFaultHeal, pause)
		add(start+epoch-time.Second+time.Millisecond, leader, history.Info, history.FLost, tok)
		if start > 0 && start%staleGap == 0 { // the old leader wakes and writes; accepted
			old := nodes[(e+2)%3]
			v := []byte(fmt.Sprintf(`{"token":%d,"seq":%d}`, token-1, seq))
			seq++
			add(start+epoch-time.Second+2*time.Millisecond, old, history.Invoke, history.FWrite, v)
			add(start+epoch-time.Second+3*time.Millisecond, old, history.OK, history.FWrite, v)
		}
	}
	return ops
}

// BenchmarkReportHour renders the report of an hour at 500 writes a
// second and opens it in headless Chromium: the page must stay under
// 10 MB and open in under 3 s. Reported: the render time (ns/op), the
// page's size (MB), the page's own time to load and lay out (page_ms) and
// Chromium's wall time from start to exit (chromium_ms).
func BenchmarkReportHour(b *testing.B) {
	ops := hourHistory()
	r := checkers.Run(context.Background(), ops, checkers.Election(checkers.Options{})...)
	b.Logf("%d history lines, verdict %s", len(ops), r.Validity)
	in := Input{Title: "an hour at 500 writes/s", Results: r, Ops: ops, Command: "chaos run --config plan.yaml"}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := RenderHTML(&buf, in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	mb := float64(buf.Len()) / (1 << 20)
	b.ReportMetric(mb, "MB")
	if mb > 10 {
		b.Fatalf("the report is %.1f MB, over 10 MB", mb)
	}
	path := filepath.Join(b.TempDir(), "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	bin, err := headless.Find()
	if err != nil {
		b.Fatal(err)
	}
	page, err := headless.Load(context.Background(), bin, "file://"+path)
	if err != nil {
		b.Fatal(err)
	}
	m := bodyLoadMs.FindStringSubmatch(page.DOM)
	if m == nil || len(page.Console) > 0 {
		b.Fatalf("the page did not load cleanly: console %v", page.Console)
	}
	pageMs, _ := strconv.ParseFloat(m[1], 64)
	b.ReportMetric(pageMs, "page_ms")
	b.ReportMetric(float64(page.Took.Milliseconds()), "chromium_ms")
	if pageMs > 3000 {
		b.Fatalf("the page took %.0f ms to load, over 3 s", pageMs)
	}
}

var bodyLoadMs = regexp.MustCompile(`data-load-ms="(\d+)"`)
