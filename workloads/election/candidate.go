package election

import (
	"context"
	"errors"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/targets"
)

// proc is one client process: a candidate with its own id, which has at
// most one op outstanding.
type proc struct {
	w    *Workload
	s    *slot
	id   string
	cand targets.Candidate
}

func (p *proc) invoke(f string, value any) {
	p.w.record(history.Op{Process: p.id, Node: p.s.ep.Node, Type: history.Invoke, F: f, Value: history.MustValue(value)})
}

func (p *proc) complete(t history.Type, f string, value any, err error) {
	op := history.Op{Process: p.id, Node: p.s.ep.Node, Type: t, F: f, Value: history.MustValue(value)}
	if err != nil {
		op.Err = err.Error()
	}
	p.w.record(op)
}

// runSlot runs the slot's processes one after another until ctx is done.
func (w *Workload) runSlot(ctx context.Context, s *slot) {
	id := s.nextProcess()
	for ctx.Err() == nil {
		cand, err := w.cfg.Target.NewCandidate(ctx, s.ep, targets.CandidateConfig{
			Process: id, TTL: w.cfg.TTL, Dial: s.sw.Dialer(w.cfg.baseDialer(s.ep.Node)), Clock: s.clock, Pause: s.sw, Log: w.cfg.Log})
		if err != nil {
			w.cfg.Log.Warn("new candidate", "process", id, "err", err)
			sleep(ctx, retryBackoff)
			continue
		}
		s.setCandidate(cand)
		p := &proc{w: w, s: s, id: id, cand: cand}
		p.run(ctx)
		if err := cand.Close(); err != nil {
			w.cfg.Log.Debug("close candidate", "process", id, "err", err)
		}
		s.setCandidate(nil)
		if ctx.Err() == nil {
			id = s.nextProcess()
			// A backend that fails fast (no quorum: an error at once)
			// would otherwise have the slot retire a process per round trip.
			sleep(ctx, retryBackoff)
		}
	}
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
		p.complete(history.OK, history.FCampaign, p.granted(tok), nil)
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
		err := p.w.res.write(ctx, p.cand, w)
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
	p.w.record(history.Op{Process: p.id, Node: p.s.ep.Node, Type: history.Info, F: history.FLost,
		Value: history.MustValue(history.Lost{Token: tok, Reason: p.cand.LostReason()})})
	return true
}

// resign gives up leadership as the workload stops; a process that
// already knows it lost records that instead.
func (p *proc) resign(ctx context.Context, tok uint64) {
	if p.checkLost(tok) {
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
