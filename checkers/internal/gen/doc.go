// Package gen generates election histories for tests and benchmarks:
// valid ones from a seed (several candidates, faults, a token-fenced
// resource, lost and re-campaign cycles, retirements after info, contained
// overlaps), and the same with one planted anomaly at known ops.
package gen
