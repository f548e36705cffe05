package lease

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestRecordRoundTrip(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 0, 0, 123456789, time.FixedZone("x", 3600))
	for _, r := range []Record{
		{Holder: "n1", Expires: at.Add(2 * time.Second), Duration: 2 * time.Second, Acquired: at, Renewed: at.Add(time.Second), Transitions: 3},
		{Holder: "", Duration: time.Second, Renewed: at, Transitions: 7},                                                          // released
		{Holder: "n2", Expires: at, Duration: 1500 * time.Millisecond, Strategy: "OldestEmulationVersion", PreferredHolder: "n3"}, // client-go's extras
		{},
	} {
		b, err := r.Encode()
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeRecord(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if got.Holder != r.Holder || got.Duration != r.Duration || got.Transitions != r.Transitions ||
			!got.Expires.Equal(r.Expires) || !got.Acquired.Equal(r.Acquired) || !got.Renewed.Equal(r.Renewed) ||
			got.Strategy != r.Strategy || got.PreferredHolder != r.PreferredHolder {
			t.Errorf("%s decoded to %+v, want %+v", b, got, r)
		}
	}
}

func TestRecordWireForm(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 0, 0, 500000000, time.FixedZone("x", 3600))
	b, err := Record{Holder: "n1", Expires: at.Add(2 * time.Second), Duration: 2 * time.Second, Acquired: at, Renewed: at, Transitions: 1}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"holder":"n1","expires":"2026-05-01T09:00:02.5Z","lease_duration_ns":2000000000,"acquired":"2026-05-01T09:00:00.5Z","renewed":"2026-05-01T09:00:00.5Z","transitions":1}`
	if string(b) != want {
		t.Errorf("encoded\n%s\nwant\n%s", b, want)
	}
	// A released record has no expires; its holder is there, empty.
	b, err = Record{Renewed: at}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["expires"]; ok {
		t.Errorf("released record %s has an expires", b)
	}
	if h, ok := m["holder"]; !ok || h != "" {
		t.Errorf("released record %s: holder %v", b, h)
	}
}

func TestDecodeRecordErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`not json`, "decode lease record"},
		{`{"holder":"n1","expires":"yesterday"}`, "expires"},
		{`{"holder":"n1","renewed":"2026-05-01"}`, "renewed"},
		{`{"holder":3}`, "decode lease record"},
	} {
		_, err := DecodeRecord([]byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %q", c.in, err, c.want)
		}
	}
	// Unknown fields are ignored: the format may grow.
	r, err := DecodeRecord([]byte(`{"holder":"n1","future":true,"transitions":2}`))
	if err != nil || r.Holder != "n1" || r.Transitions != 2 {
		t.Errorf("record with an unknown field: %+v, %v", r, err)
	}
}

func TestRecordHeldAt(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	r := Record{Holder: "n1", Expires: at}
	for _, c := range []struct {
		r    Record
		now  time.Time
		want bool
	}{
		{r, at.Add(-time.Nanosecond), true},
		{r, at, true},
		{r, at.Add(time.Nanosecond), false},
		{Record{Expires: at}, at.Add(-time.Hour), false}, // nobody holds it
	} {
		if got := c.r.HeldAt(c.now); got != c.want {
			t.Errorf("%+v at %v: held %v, want %v", c.r, c.now, got, c.want)
		}
	}
}
