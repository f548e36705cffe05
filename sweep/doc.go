// Package sweep runs `chaos sweep`: a [plan.Sweep] — one plan field swept
// over values, crossed with fault lines, every cell repeated with fresh
// seeds — as a matrix through [matrix.Run], then reads each run's
// results.json and puts the cells side by side: failover p50 / p95 / max,
// false failovers, elections per minute, time without a leader and the
// safety verdicts per cell ([reports.SweepCell]), and per fault line the
// smallest value with no unsafe run and no false failover
// ([reports.Recommendation]). It writes sweep.json, sweep.html (a plot per
// figure against the setting) and a junit.xml of one case per cell in the
// matrix's directory after every run, so a sweep cut short still leaves
// them.
//
// Everything it writes is a function of the sweep (saved in sweep.json)
// and the runs' results, so [Rebuild] recomputes it from a directory, and
// shards merged ([Merge]) give what the whole sweep run in one place
// gives. It sits on top of matrix; nothing imports it but cmd/chaos.
package sweep
