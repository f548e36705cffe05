package election

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/workloads/freezenet"
)

// slot is one node's place in the workload: the succession of processes
// (candidates) that talk to it, and its freeze and crash state.
type slot struct {
	ep    targets.Endpoint
	clock *Clock // every candidate of the slot reads time through it

	mu      sync.Mutex
	sw      *freezenet.Switch // every candidate of the slot dials through it, until a crash kills it
	gen     int               // generation of the current process: 1 = "n1", 2 = "n1#2"
	process string
	cand    targets.Candidate
	life    *life         // the running process's, nil between processes
	crashed chan struct{} // non-nil while its process is crashed; closed at the restart
	end     func()        // records the crashed process's end (Workload.Crash)
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
	return s.nextProcessLocked()
}

func (s *slot) nextProcessLocked() string {
	s.gen++
	s.process = s.ep.Node
	if s.gen > 1 {
		s.process = fmt.Sprintf("%s#%d", s.ep.Node, s.gen)
	}
	return s.process
}

// await waits while the slot's process is crashed, and returns the
// process to start and the switch it dials through; false when ctx ended
// first.
func (s *slot) await(ctx context.Context) (process string, sw *freezenet.Switch, ok bool) {
	for {
		s.mu.Lock()
		ch, process, sw := s.crashed, s.process, s.sw
		s.mu.Unlock()
		if ch == nil {
			return process, sw, true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return "", nil, false
		}
	}
}

// begin makes cand the running candidate of process, with a context of
// its own that its crash ends; false when the process crashed (or was
// crashed and restarted as another) while cand was being made.
func (s *slot) begin(ctx context.Context, process string, cand targets.Candidate) (context.Context, *life, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.crashed != nil || s.process != process {
		return nil, nil, false
	}
	pctx, cancel := context.WithCancel(ctx)
	s.cand, s.life = cand, &life{cancel: cancel}
	return pctx, s.life, true
}

// finish ends the running process's turn: the slot has no candidate
// until the next begin.
func (s *slot) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.life != nil {
		s.life.cancel()
	}
	s.cand, s.life = nil, nil
}

// cancelWaiting ends the running process's context unless it leads.
func (s *slot) cancelWaiting() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.life != nil && !s.life.isLeading() {
		s.life.cancel()
	}
}

// advance moves the slot from the retired process to its next one,
// unless a crash came in between (the restart then names the next).
func (s *slot) advance(retired string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.crashed == nil && s.process == retired {
		s.nextProcessLocked()
	}
}

// crash marks the slot's process crashed and kills it, in this order:
// nothing of it is recorded any more (life.kill), its connections are
// closed and its switch refuses it everything (so that what it does as
// it unwinds reaches nothing), its context ends. The slot gets a new
// switch for its next process. A freeze in effect ends: a dead process is
// not paused.
func (s *slot) crash(w *Workload) (process string, end func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.crashed != nil {
		return "", nil, fmt.Errorf("crash %s's client: %s already crashed", s.ep.Node, s.process)
	}
	s.crashed = make(chan struct{})
	old := s.sw
	s.sw = freezenet.New()
	end = func() {}
	if s.life != nil {
		end = s.life.kill(w, s.ep.Node, s.process)
	}
	old.Kill()
	if s.frozen != nil {
		close(s.frozen)
		s.frozen, s.armed = nil, false
	}
	if s.life != nil {
		s.life.cancel()
	}
	s.end = end
	return s.process, end, nil
}

// restart ends a crash: the crashed process's end is recorded if it is
// still to be, and the slot's next process starts. false when the slot
// was not crashed (process is then the current one).
func (s *slot) restart() (process string, restarted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.crashed == nil {
		return s.process, false
	}
	s.recordEndLocked()
	process = s.nextProcessLocked()
	close(s.crashed)
	s.crashed = nil
	return process, true
}

// recordEnd records the crashed process's end if it is still to be.
func (s *slot) recordEnd() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordEndLocked()
}

func (s *slot) recordEndLocked() {
	if s.end != nil {
		s.end()
		s.end = nil
	}
}

// switchOf is the switch the slot's candidates dial through now.
func (s *slot) switchOf() *freezenet.Switch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sw
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
