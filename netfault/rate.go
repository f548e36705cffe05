package netfault

import (
	"fmt"
	"strconv"
	"strings"
)

// Rate units, as a plan writes a bandwidth: bits per second as tc writes
// them (bit, kbit, mbit, gbit: powers of 1000), or bytes per second (B/s,
// kB/s, MB/s, GB/s: powers of 1000).
var rateUnits = []struct {
	suffix string
	bytes  float64 // bytes per second per unit
}{
	{"gbit", 1e9 / 8}, {"mbit", 1e6 / 8}, {"kbit", 1e3 / 8}, {"bit", 1.0 / 8},
	{"GB/s", 1e9}, {"MB/s", 1e6}, {"kB/s", 1e3}, {"B/s", 1},
}

// MinRate and MaxRate bound a rate a link can be limited to, in bytes per
// second: below 1 kB/s (8 kbit) a TCP connection barely opens; 10 Gbit/s
// is what an unlimited class of the htb tree lets through.
const (
	MinRate uint64 = 1_000
	MaxRate uint64 = 1_250_000_000
)

// ParseRate reads a bandwidth ("1mbit", "256kbit", "125kB/s") as bytes
// per second. It must be positive and whole in bytes per second.
func ParseRate(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	for _, u := range rateUnits {
		num, ok := strings.CutSuffix(t, u.suffix)
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || x <= 0 {
			return 0, fmt.Errorf("bandwidth %q: want a positive number before %s", s, u.suffix)
		}
		b := x * u.bytes
		if b < 1 || b > 1<<62 {
			return 0, fmt.Errorf("bandwidth %q: %g B/s is out of range", s, b)
		}
		return uint64(b), nil
	}
	return 0, fmt.Errorf("bandwidth %q: want a number and a unit, bits per second (bit, kbit, mbit, gbit) or bytes (B/s, kB/s, MB/s, GB/s), e.g. 1mbit", s)
}

// FormatRate writes bytes per second as ParseRate reads them back, in
// bits as tc does when whole ("8mbit"), else in bytes ("1001B/s").
func FormatRate(b uint64) string {
	bits := b * 8
	for _, u := range []struct {
		suffix string
		per    uint64
	}{{"gbit", 1e9}, {"mbit", 1e6}, {"kbit", 1e3}} {
		if bits%u.per == 0 {
			return strconv.FormatUint(bits/u.per, 10) + u.suffix
		}
	}
	return strconv.FormatUint(b, 10) + "B/s"
}
