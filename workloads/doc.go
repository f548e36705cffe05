// Package workloads holds what the clients do, one sub-package per
// workload: [github.com/chaos-election/chaos/workloads/election] (campaign,
// act, fenced writes), and the helper
// [github.com/chaos-election/chaos/workloads/freezenet] (connections that
// can be frozen, for client pauses).
package workloads
