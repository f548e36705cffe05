// Package bench measures: `chaos bench failover` runs, for each backend,
// each recipe setting ([RecipeSetting]: native, or a lease recipe with
// its timings) and each fault, the same plan with that one fault on the
// leader's node ([Failover]), each a real run through [runner.Run], and
// tabulates the time from the fault taking effect to the next grant
// ([WriteFailoverTable]). The checkers' and the history's speed is
// measured by `go test -bench` in their own packages.
package bench
