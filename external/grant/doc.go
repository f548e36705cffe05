// Package grant is what a plan may grant the harness on a cluster it did
// not start, as values: the node faults a grant can cover ([NodeFaults]),
// the kinds commands can grant ([CommandFaults]: those and a node's clock,
// [FaultClockSkew]), the shell-command templates that put one in effect
// and heal it ([Command], [Placeholders], [ClockPlaceholders], [Expand],
// [CheckTemplate]), and which grant covers a kind ([Grant]). It runs
// nothing; package external does, and package plan checks a plan against
// these without importing what starts or touches containers.
package grant
