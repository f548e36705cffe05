package election

import (
	"context"
	"errors"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/targets"
)

// proc is one client process: a candidate with its own id, which has at
// most one op outstanding. Everything it records goes through its life,
// which a crash ends.
type proc struct {
	w    *Workload
	s    *slot
	id   string
	cand targets.Candidate
	life *life
}

func (p *proc) invoke(f string, value any) {
	p.life.record(p.w, history.Op{Process: p.id, Node: p.s.ep.Node, Type: history.Invoke, F: f, Value: history.MustValue(value)})
}

// complete records the completion of the process's outstanding op; false
// when the process crashed (nothing recorded).
func (p *proc) complete(t history.Type, f string, value any, err error) bool {
	op := history.Op{Process: p.id, Node: p.s.ep.Node, Type: t, F: f, Value: history.MustValue(value)}
	if err != nil {
		op.Err = err.Error()
	}
	return p.life.record(p.w, op)
}

// runSlot runs the slot's processes one after another until ctx is done;
// a crashed process's successor starts only at the slot's restart.
func (w *Workload) runSlot(ctx context.Context, s *slot) {
	s.nextProcess()
	for ctx.Err() == nil {
		id, sw, ok := s.await(ctx)
		if !ok {
			return
		}
		cand, err := w.cfg.Target.NewCandidate(ctx, s.ep, targets.CandidateConfig{
			Process: id, TTL: w.cfg.TTL, Dial: sw.Dialer(w.cfg.baseDialer(s.ep.Node)), Clock: s.clock, Pause: sw, Log: w.cfg.Log})
		if err != nil {
			w.cfg.Log.Warn("new candidate", "process", id, "err", err)
			sleep(ctx, retryBackoff)
			continue
		}
		pctx, l, ok := s.begin(ctx, id, cand)
		if !ok { // crashed while it was being made: it never ran
			w.abandon(id, cand)
			continue
		}
		p := &proc{w: w, s: s, id: id, cand: cand, life: l}
		p.run(pctx)
		if l.crashed() {
			s.finish()
			w.abandon(id, cand)
			continue // the slot's restart names the next process
		}
		if err := cand.Close(); err != nil {
			w.cfg.Log.Debug("close candidate", "process", id, "err", err)
		}
		s.finish()
		if ctx.Err() == nil {
			s.advance(id)
			// A backend that fails fast (no quorum: an error at once)
			// would otherwise have the slot retire a process per round trip.
			sleep(ctx, retryBackoff)
		}
	}
}

// abandon frees what is left of a crashed process's candidate, apart
// from the slot's loop: its connections are dead and it dials no more,
// so its Close reaches nothing in the backend (no resign, no release; a
// revoke it tries fails) and only ends its goroutines, within the
// target's own request timeouts.
func (w *Workload) abandon(id string, cand targets.Candidate) {
	w.wg.Go(func() {
		if err := cand.Close(); err != nil {
			w.cfg.Log.Debug("close crashed candidate", "process", id, "err", err)
		}
	})
}

// run campaigns and leads until the process retires (an op ended in info)
// or ctx is done.
func (p *proc) run(ctx context.Context) {
	for ctx.Err() == nil {
		p.invoke(history.FCampaign, struct{}{})
		tok, err := p.cand.Campaign(ctx)
		if err != nil {
			if errors.Is(err, targets.ErrNotElected) && ctx.Err() == nil {
				p.complete(history.Fail, history.FCampaign, nil, err)
				sleep(ctx, campaignBackoff)
				continue
			}
			p.complete(history.Info, history.FCampaign, nil, err)
			return
		}
		p.life.granted(tok)
		if !p.complete(history.OK, history.FCampaign, p.granted(tok), nil) {
			return // crashed
		}
		p.w.mu.Lock()
		p.w.elections++
		p.w.mu.Unlock()
		if retired := p.lead(ctx, tok); retired {
			return
		}
	}
}

// lead writes every WriteEvery while the process believes it leads. It
// returns false when the process learned it lost (and may campaign again),
// true when it retired or ctx is done.
func (p *proc) lead(ctx context.Context, tok uint64) (retired bool) {
	t := time.NewTicker(p.w.cfg.WriteEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			p.resign(ctx, tok)
			return true
		case <-t.C:
		}
		if p.checkLost(tok) {
			return false
		}
		if !p.beginWrite(ctx) {
			p.resign(ctx, tok)
			return true
		}
		w := resourceWrite{Process: p.id, Token: tok, Seq: p.w.seq.Add(1)}
		value := history.Write{Token: tok, Seq: w.Seq}
		p.invoke(history.FWrite, value)
		err := p.write(ctx, w)
		p.s.endWrite()
		switch {
		case err == nil:
			p.complete(history.OK, history.FWrite, value, nil)
		case errors.Is(err, targets.ErrRejected):
			p.complete(history.Fail, history.FWrite, value, err)
		default:
			p.complete(history.Info, history.FWrite, value, err)
			return true
		}
	}
}

// write makes w to the resource. The harness's own resources (none,
// token) take it only while the process is alive: a crash comes before it
// or after it, never in between. The backend's fenced write goes over the
// candidate's connections, which the crash closes.
func (p *proc) write(ctx context.Context, w resourceWrite) error {
	if _, remote := p.w.res.(backendResource); remote {
		return p.w.res.write(ctx, p.cand, w)
	}
	return p.life.whileAlive(func() error { return p.w.res.write(ctx, p.cand, w) })
}

// beginWrite waits at the freeze point through every freeze armed before
// the write, then marks the write in flight; false when ctx ended first
// (no write in flight).
func (p *proc) beginWrite(ctx context.Context) bool {
	for ctx.Err() == nil {
		thawed := p.s.beginWrite()
		if thawed == nil {
			if ctx.Err() != nil {
				p.s.endWrite()
				return false
			}
			return true
		}
		p.s.setParked(true)
		select {
		case <-thawed:
		case <-ctx.Done():
		}
		p.s.setParked(false)
	}
	return false
}

// granted is the value of a campaign's ok with token tok: what it took
// over, when the candidate says.
func (p *proc) granted(tok uint64) history.Campaign {
	v := history.Campaign{Token: tok}
	if r, ok := p.cand.(targets.TakeoverReporter); ok {
		if t, ok := r.LastTakeover(); ok {
			v.TookOver = &history.TookOver{From: t.From, ExpiresInNanos: int64(t.ExpiresIn)}
		}
	}
	return v
}

// checkLost records a lost notification when the candidate learned it no
// longer leads.
func (p *proc) checkLost(tok uint64) bool {
	select {
	case <-p.cand.Lost():
	default:
		return false
	}
	p.life.record(p.w, history.Op{Process: p.id, Node: p.s.ep.Node, Type: history.Info, F: history.FLost,
		Value: history.MustValue(history.Lost{Token: tok, Reason: p.cand.LostReason()})})
	return true
}

// resign gives up leadership as the workload stops; a process that
// already knows it lost records that instead, and a crashed one does
// nothing at all.
func (p *proc) resign(ctx context.Context, tok uint64) {
	if p.life.crashed() || p.checkLost(tok) {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resignTimeout)
	defer cancel()
	value := history.Resign{Token: tok}
	p.invoke(history.FResign, value)
	if err := p.cand.Resign(rctx); err != nil {
		p.complete(history.Info, history.FResign, value, err)
		return
	}
	p.complete(history.OK, history.FResign, value, nil)
}
