package election

import (
	"fmt"
	"sync"
	"time"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/workloads/freezenet"
)

// slot is one node's place in the workload: the succession of processes
// (candidates) that talk to it, and its freeze state.
type slot struct {
	ep    targets.Endpoint
	sw    *freezenet.Switch // every candidate of the slot dials through it
	clock *Clock            // every candidate of the slot reads time through it

	mu      sync.Mutex
	gen     int // generation of the current process: 1 = "n1", 2 = "n1#2"
	process string
	cand    targets.Candidate
	frozen  chan struct{} // non-nil while frozen; closed at the thaw
	armed   bool          // the loop stops at its next freeze point
	until   time.Time
	parked  bool       // the loop waits at its freeze point
	writing bool       // the loop's write is in flight
	waiting bool       // a freeze waits for that write to end
	idle    *sync.Cond // on mu: signalled when a write ends
}

func newSlot(ep targets.Endpoint) *slot {
	s := &slot{ep: ep, sw: freezenet.New(), clock: newClock()}
	s.idle = sync.NewCond(&s.mu)
	return s
}

// nextProcess returns the next process id of the slot.
func (s *slot) nextProcess() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	s.process = s.ep.Node
	if s.gen > 1 {
		s.process = fmt.Sprintf("%s#%d", s.ep.Node, s.gen)
	}
	return s.process
}

func (s *slot) setCandidate(c targets.Candidate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cand = c
}

// closeCandidate closes the current candidate, if any (Close is idempotent).
func (s *slot) closeCandidate() {
	s.mu.Lock()
	c := s.cand
	s.mu.Unlock()
	if c != nil {
		_ = c.Close()
	}
}

// freeze freezes the slot's connections and arms its loop; it returns the
// current process and the channel closed at the thaw. A write in flight
// ends first (a round trip, at most the target's request timeout): frozen
// in mid-request it would fail by its own timeout and retire the process,
// where the pause is meant to leave a leader that still believes it leads
// and writes when it wakes.
func (s *slot) freeze(d time.Duration) (string, chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.frozen != nil {
		return "", nil, fmt.Errorf("freeze %s: already frozen until %s", s.ep.Node, s.until.Format(time.TimeOnly))
	}
	for s.writing {
		s.waiting = true
		s.idle.Wait()
	}
	s.waiting = false
	s.frozen = make(chan struct{})
	s.armed = true
	s.until = time.Now().Add(d)
	s.sw.Freeze()
	return s.process, s.frozen, nil
}

// thaw ends a freeze; idempotent.
func (s *slot) thaw() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sw.Thaw()
	if s.frozen != nil {
		close(s.frozen)
		s.frozen, s.armed = nil, false
	}
}

// beginWrite is where a frozen loop stops, between its leadership check
// and its write. When the loop is armed it disarms and returns the channel
// to wait on; otherwise it marks the write in flight (until endWrite) and
// returns nil.
func (s *slot) beginWrite() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.armed {
		s.armed = false
		return s.frozen
	}
	s.writing = true
	return nil
}

// endWrite ends the write beginWrite began, releasing a freeze that waits.
func (s *slot) endWrite() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writing = false
	s.idle.Broadcast()
}

// freezeWaits says whether a freeze waits for a write in flight.
func (s *slot) freezeWaits() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

func (s *slot) setParked(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.parked = v
}

func (s *slot) isParked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.parked
}
