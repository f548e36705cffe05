package targettest

import (
	"context"
	"testing"

	"github.com/chaos-election/chaos/targets"
)

// Lead makes a candidate of tgt at ep, has it campaign and write "v"
// fenced with its token, failing the test if any of that fails, and
// returns the candidate and its token. t.Cleanup closes the candidate;
// close it sooner where the test needs it gone.
func Lead(t testing.TB, ctx context.Context, tgt targets.Target, ep targets.Endpoint, cfg targets.CandidateConfig) (targets.Candidate, uint64) {
	t.Helper()
	c, err := tgt.NewCandidate(ctx, ep, cfg)
	if err != nil {
		t.Fatalf("candidate %s of %s: %v", cfg.Process, ep.Node, err)
	}
	t.Cleanup(func() { c.Close() })
	tok, err := c.Campaign(ctx)
	if err != nil {
		t.Fatalf("campaign of %s at %s: %v", cfg.Process, ep.Node, err)
	}
	if err := c.FencedWrite(ctx, tok, []byte("v")); err != nil {
		t.Fatalf("fenced write of %s with token %d: %v", cfg.Process, tok, err)
	}
	return c, tok
}
