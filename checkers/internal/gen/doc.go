// Package gen generates election histories for tests and benchmarks:
// valid ones from a seed (several candidates, faults, a token-fenced
// resource, lost and re-campaign cycles, retirements after info, contained
// overlaps), the same with one planted anomaly at known ops, and the
// liveness checker's edges (edges.go; falsefailover.go: a leadership
// change under a link fault, or under a fault that removed the leader).
package gen
