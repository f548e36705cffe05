package checkers

import (
	"fmt"
	"sort"
	"time"
)

// secs formats a run time or a duration as seconds with two decimals.
func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// sortedOps returns the indices ascending, without duplicates and without
// the -1 of "the end of the history".
func sortedOps(idx ...int64) []int64 {
	out := make([]int64, 0, len(idx))
	for _, i := range idx {
		if i >= 0 {
			out = append(out, i)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	k := 0
	for i, v := range out {
		if i == 0 || v != out[k-1] {
			out[k] = v
			k++
		}
	}
	return out[:k]
}

// verdict is invalid when any anomaly is fatal, valid otherwise.
func verdict(as []Anomaly) Validity {
	for _, a := range as {
		if a.Fatal {
			return Invalid
		}
	}
	return Valid
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
