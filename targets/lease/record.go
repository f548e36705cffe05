package lease

import (
	"encoding/json"
	"fmt"
	"time"
)

// Record is the lease record both recipes keep in a [Store], as JSON:
//
//	{"holder":"n1","expires":"2026-05-01T10:00:02.5Z","lease_duration_ns":2000000000,
//	 "acquired":"2026-05-01T10:00:00Z","renewed":"2026-05-01T10:00:00.5Z","transitions":3}
//
// Times are RFC 3339 with nanoseconds, in UTC, as the writer's clock read
// them: a skewed holder writes a skewed expires. A zero time is left out
// (a released record has no expires). Readers ignore fields they do not
// know.
type Record struct {
	// Holder is the process that holds the lease; "" = nobody (released).
	Holder string
	// Expires is when the lease ends by the holder's clock: the time it
	// renewed plus Duration. lease-timestamp candidates compare it with
	// their own clocks; client-go does not read it.
	Expires time.Time
	// Duration is the lease duration the holder claimed (client-go: whole
	// seconds).
	Duration time.Duration
	// Acquired is when the holder took the lease, Renewed when it last
	// renewed it (each by its clock).
	Acquired, Renewed time.Time
	// Transitions counts the takeovers of the record (client-go's
	// LeaderTransitions).
	Transitions int
	// Strategy and PreferredHolder are client-go's coordinated-election
	// fields, kept so that its record goes through unchanged.
	Strategy, PreferredHolder string
}

// recordJSON is the wire form of a Record.
type recordJSON struct {
	Holder          string `json:"holder"`
	Expires         string `json:"expires,omitempty"`
	DurationNanos   int64  `json:"lease_duration_ns"`
	Acquired        string `json:"acquired,omitempty"`
	Renewed         string `json:"renewed,omitempty"`
	Transitions     int    `json:"transitions"`
	Strategy        string `json:"strategy,omitempty"`
	PreferredHolder string `json:"preferred_holder,omitempty"`
}

// Encode returns the record as JSON.
func (r Record) Encode() ([]byte, error) {
	b, err := json.Marshal(recordJSON{
		Holder:          r.Holder,
		Expires:         formatTime(r.Expires),
		DurationNanos:   int64(r.Duration),
		Acquired:        formatTime(r.Acquired),
		Renewed:         formatTime(r.Renewed),
		Transitions:     r.Transitions,
		Strategy:        r.Strategy,
		PreferredHolder: r.PreferredHolder,
	})
	if err != nil {
		return nil, fmt.Errorf("encode lease record: %w", err)
	}
	return b, nil
}

// DecodeRecord reads a record that Encode wrote.
func DecodeRecord(data []byte) (Record, error) {
	var j recordJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return Record{}, fmt.Errorf("decode lease record: %w", err)
	}
	r := Record{Holder: j.Holder, Duration: time.Duration(j.DurationNanos), Transitions: j.Transitions,
		Strategy: j.Strategy, PreferredHolder: j.PreferredHolder}
	for _, f := range []struct {
		name string
		s    string
		t    *time.Time
	}{{"expires", j.Expires, &r.Expires}, {"acquired", j.Acquired, &r.Acquired}, {"renewed", j.Renewed, &r.Renewed}} {
		t, err := parseTime(f.s)
		if err != nil {
			return Record{}, fmt.Errorf("decode lease record: %s: %w", f.name, err)
		}
		*f.t = t
	}
	return r, nil
}

// HeldAt reports whether the record names a holder whose lease has not
// expired at now, as a lease-timestamp candidate judges it: now not after
// Expires.
func (r Record) HeldAt(now time.Time) bool {
	return r.Holder != "" && !now.After(r.Expires)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}
