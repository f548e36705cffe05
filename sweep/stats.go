package sweep

import (
	"math"
	"slices"
)

// percentile is the nearest-rank p-th percentile (0 < p ≤ 1) of xs: the
// smallest value with at least p of them at or below it — always one that
// was measured. nil for no values.
func percentile(xs []float64, p float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := int(math.Ceil(p*float64(len(s)) - 1e-9))
	v := s[min(max(rank, 1), len(s))-1]
	return &v
}

// mean is the mean of xs, or nil for none.
func mean(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	v := sum / float64(len(xs))
	return &v
}

// ratio is k/n, or nil when n is 0.
func ratio(k, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := float64(k) / float64(n)
	return &v
}
