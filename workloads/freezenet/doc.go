// Package freezenet owns connections that can be frozen: while a [Switch]
// is frozen, reads and writes on every connection dialed through it block
// (data already in flight is held back, not dropped), so a client's
// requests and lease keepalives stop reaching the server and its
// responses stop reaching the client, as in a long GC pause of the client
// process. Thawing lets everything flow again. Killing a switch is the
// crash of that process (a client-kill): its connections are closed at
// once and it never dials, reads, writes or waits again.
package freezenet
