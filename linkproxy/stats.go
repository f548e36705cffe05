package linkproxy

import "sync/atomic"

// Stats are a proxy's counters since it started.
type Stats struct {
	Accepted      int64 // connections accepted from clients
	Open          int64 // connections accepted and not yet closed
	Dialed        int64 // upstream connections established
	DialErrors    int64 // upstream dials that failed (the client's connection is closed)
	RouteErrors   int64 // connections a Serve router refused (the client's connection is closed)
	BytesUp       int64 // bytes delivered client → upstream
	BytesDown     int64 // bytes delivered upstream → client
	ChunksDelayed int64 // chunks scheduled under a Delay or Jitter > 0
	ChunksLost    int64 // chunks held an extra RetransmitTimeout by Loss
}

type counters struct {
	accepted, open, dialed, dialErrors atomic.Int64
	routeErrors                        atomic.Int64
	bytesUp, bytesDown                 atomic.Int64
	delayed, lost                      atomic.Int64
}

// Stats returns a snapshot of the proxy's counters; each is read
// atomically, not all of them at one instant.
func (p *Proxy) Stats() Stats {
	s := &p.stats
	return Stats{
		Accepted:      s.accepted.Load(),
		Open:          s.open.Load(),
		Dialed:        s.dialed.Load(),
		DialErrors:    s.dialErrors.Load(),
		RouteErrors:   s.routeErrors.Load(),
		BytesUp:       s.bytesUp.Load(),
		BytesDown:     s.bytesDown.Load(),
		ChunksDelayed: s.delayed.Load(),
		ChunksLost:    s.lost.Load(),
	}
}
