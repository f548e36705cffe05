package targets

import "testing"

func TestLeadership(t *testing.T) {
	var l Leadership
	l.Start()
	first := l.Lost()
	if l.EndCurrent("early") || Closed(first) {
		t.Fatal("lost closed before the campaign was won")
	}
	lost := l.Won()
	if !l.Leading() {
		t.Fatal("not leading after Won")
	}
	if !l.End(lost, "session expired") || !Closed(l.Lost()) || l.LostReason() != "session expired" || l.Leading() {
		t.Fatalf("End: closed %v, reason %q, leading %v", Closed(l.Lost()), l.LostReason(), l.Leading())
	}
	if l.End(lost, "again") || l.LostReason() != "session expired" {
		t.Fatal("a second End changed the reason")
	}
	l.Start()
	if Closed(l.Lost()) || l.LostReason() != "" {
		t.Fatal("a new campaign kept the old signal")
	}
	l.Won()
	if l.End(lost, "stale") {
		t.Fatal("End with the previous campaign's channel closed the new one")
	}
	l.Stop()
	if l.EndCurrent("after resign") || Closed(l.Lost()) {
		t.Fatal("lost closed after a resignation")
	}
}

func TestOnChange(t *testing.T) {
	var got []string
	report := OnChange(func(l string, tok uint64) { got = append(got, l) })
	for _, r := range []struct {
		l   string
		tok uint64
	}{{"", 0}, {"", 0}, {"n1", 5}, {"n1", 5}, {"n1", 7}, {"", 0}} {
		report(r.l, r.tok)
	}
	if len(got) != 4 {
		t.Fatalf("reports %q, want 4", got)
	}
}
