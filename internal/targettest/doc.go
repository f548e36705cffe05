// Package targettest holds the conformance tests every election backend
// passes against its real cluster: the probe, the token being the
// backend's own record of the leader, strictly increasing tokens over
// successive leaders, Lost when the backend ends the leadership, fenced
// writes with a stale token rejected, and the observer following the
// leader. A backend's Docker test brings its cluster up and hands its raw
// operations over as a [Backend].
package targettest
