package netfault

import "testing"

func TestParseRate(t *testing.T) {
	for in, want := range map[string]uint64{
		"1mbit": 125_000, "256kbit": 32_000, "8bit": 1, "1gbit": 125_000_000, "1.5mbit": 187_500,
		"125kB/s": 125_000, "2MB/s": 2_000_000, "1001B/s": 1001, " 1mbit ": 125_000,
	} {
		got, err := ParseRate(in)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
		if back, err := ParseRate(FormatRate(got)); err != nil || back != got {
			t.Errorf("FormatRate(%d) = %q reads back as %d, %v", got, FormatRate(got), back, err)
		}
	}
	for _, bad := range []string{"", "1", "1mb", "0mbit", "-1kbit", "xmbit", "1 mbps", "4bit"} {
		if got, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) = %d, want an error", bad, got)
		}
	}
	if s := FormatRate(125_000); s != "1mbit" {
		t.Errorf("FormatRate(125000) = %q, want 1mbit", s)
	}
}
