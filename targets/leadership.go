package targets

import "sync"

// Leadership is the lost signal a candidate owes its workload: a channel
// per campaign, closed once, with the reason, only while the candidate
// leads. Candidates embed it; its methods Lost and LostReason are those of
// [Candidate]. The zero value is ready to use.
type Leadership struct {
	mu      sync.Mutex
	lost    chan struct{}
	reason  string
	leading bool
}

// Start begins a campaign: a new Lost channel, not leading yet.
func (l *Leadership) Start() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lost, l.reason, l.leading = make(chan struct{}), "", false
}

// Won marks the campaign won and returns the channel that End closes.
func (l *Leadership) Won() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.init()
	l.leading = true
	return l.lost
}

// End closes lost with reason when it is still the current channel and the
// candidate leads; it reports whether it did.
func (l *Leadership) End(lost <-chan struct{}, reason string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lost == nil || l.lost != lost || !l.leading || Closed(lost) {
		return false
	}
	l.reason, l.leading = reason, false
	close(l.lost)
	return true
}

// EndCurrent ends the current leadership, if any, with reason.
func (l *Leadership) EndCurrent(reason string) bool {
	return l.End(l.Lost(), reason)
}

// Stop ends the leadership without closing Lost (a resignation).
func (l *Leadership) Stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.leading = false
}

// Leading reports whether the candidate leads.
func (l *Leadership) Leading() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.leading
}

// Lost is closed when the candidate learns it no longer leads.
func (l *Leadership) Lost() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.init()
	return l.lost
}

// LostReason says why Lost was closed ("" while it is not).
func (l *Leadership) LostReason() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.reason
}

func (l *Leadership) init() {
	if l.lost == nil {
		l.lost = make(chan struct{})
	}
}

// Closed reports whether ch is closed.
func Closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// OnChange wraps an observer's callback so that it is called with the
// first report and then only when the leader or token differs from the
// last.
func OnChange(fn func(leader string, token uint64)) func(leader string, token uint64) {
	var (
		last    string
		lastTok uint64
		called  bool
	)
	return func(leader string, tok uint64) {
		if called && leader == last && tok == lastTok {
			return
		}
		called, last, lastTok = true, leader, tok
		fn(leader, tok)
	}
}
