// Package reports turns checked results into the files people and CI
// read: results.json (the machine-readable verdict, schema in
// docs/results-json.md), junit.xml (one test case per checker), report.html
// (one self-contained page: the verdict, what failed in plain words, a
// timeline of leaderships, writes and faults, figures and the plan), and
// the short text summary `chaos check` prints; for a sweep, sweep.json,
// sweep.html (line plots of each figure against the swept setting, inline
// SVG) and a junit.xml of one case per cell.
package reports
