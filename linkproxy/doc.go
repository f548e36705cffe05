// Package linkproxy is the harness's own TCP proxy, used to inject link
// faults between a client (a leader-election candidate, a register client)
// and the node it talks to when the harness has no access to the nodes,
// as against a staging cluster. One [Proxy] stands in front of each node's
// client endpoint: the client connects to [Proxy.Addr] on loopback, the
// proxy forwards each connection to [Proxy.Upstream], and the nemesis
// changes the [Faults] in force with [Proxy.Set]. New faults apply at once
// to the connections already open as well as to new ones, because clients
// keep long-lived gRPC, HTTP and ZooKeeper connections.
//
// A proxy sees a byte stream, not packets, so it emulates what a client of
// a faulty link observes, not the link itself:
//
//   - Cut is a partition between the client and its node. Nothing is
//     forwarded either way: each direction holds the chunk it has read and
//     reads no more, so the senders' socket buffers fill and TCP
//     backpressure stalls them. A connection accepted during a cut is not
//     dialed upstream until the cut heals: the node never hears of it. (The
//     client's connect itself succeeds, because the kernel completes the
//     loopback handshake before the proxy accepts; what the client sees is
//     a connection whose first request hangs, as with SYN loss on the far
//     side, never a refusal.) Closes do not cross a cut either. When the cut
//     heals, the held bytes flow again in order, as TCP retransmission
//     delivers them after a short partition. A cut never ends a connection
//     by itself; clients time out on their own clocks.
//   - Delay and Jitter hold each chunk read from one side until read time +
//     Delay + a uniform draw in [0, Jitter) before writing it to the other
//     side. Each direction is a FIFO queue, so jitter never reorders bytes:
//     a chunk that drew a short hold waits behind the one before it.
//   - Loss cannot drop bytes from a TCP stream; what a client of a lossy
//     link sees is retransmission delay. So each chunk is, with probability
//     Loss, held an extra [RetransmitTimeout] (200 ms, Linux's minimum RTO)
//     before delivery; as in TCP, the chunks behind it wait too (head-of-line
//     blocking). Repeated losses of one segment, with RTO backoff, are not
//     modelled.
//
// Holds are computed when a chunk is read, from the faults in force then;
// a chunk already queued keeps its schedule when [Proxy.Set] changes the
// delay, like a packet already in flight. A cut, by contrast, stops even
// queued chunks. A chunk is whatever one read returned (at most 32 KiB),
// so the granularity of delay and loss is the sender's writes as the
// proxy happens to read them, not MSS-sized segments.
//
// Jitter and loss draw from one random source per proxy (PCG from
// math/rand/v2, seeded by [Options.Seed], guarded by a mutex): the same
// seed gives the same sequence of draws, though which chunk gets which
// draw depends on the order the proxy reads them in.
//
// [Serve] is the same proxy in the mode of a transparent one, as a node's
// network agent runs it: it accepts on a listener it is given, a [Router]
// chooses each connection's upstream (its original destination) and a
// [FaultsFunc] of each direction ([Up]: what the client sends; [Down]:
// what comes back), looked up for every chunk, so that each connection
// suffers the faults of its own links and changes apply to open
// connections at once. The hold, the FIFO queue and the cut work as
// above, per direction; [Proxy.Notify] wakes a direction that waits out
// a cut. [Options.Dial] dials the upstreams (another network namespace's,
// say).
package linkproxy
