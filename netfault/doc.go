// Package netfault is the vocabulary of faults on the links between a
// cluster's nodes, shared by the nemesis (which decides them) and the
// clusters (which apply them): an [Effect] on the packets of one directed
// [Link], a [Shape] of every effect in force, the [Method]s a cluster
// applies them with, and what it reports once they are in effect
// ([Applied]).
//
// A link is directed: Link{From: "n1", To: "n2"} is what n1 sends to n2.
// A cut of that link alone is the one-way partition (n2 no longer hears
// n1; n1 still hears n2). The harness's own traffic to the nodes is never
// on a link.
package netfault
