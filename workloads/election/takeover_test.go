package election

import (
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/targets"
)

// reportingCand is a candidate that says what it took over.
type reportingCand struct {
	targets.Candidate
	t  targets.Takeover
	ok bool
}

func (c reportingCand) LastTakeover() (targets.Takeover, bool) { return c.t, c.ok }

// A campaign's ok carries what the candidate says it took over, and only
// then; a candidate that cannot say (every native recipe) records the
// token alone.
func TestGrantedTookOver(t *testing.T) {
	for _, c := range []struct {
		name string
		cand targets.Candidate
		want string
	}{
		{"early", reportingCand{t: targets.Takeover{From: "n1", ExpiresIn: 2400 * time.Millisecond}, ok: true},
			`{"token":7,"took_over":{"expires_in_ns":2400000000,"from":"n1"}}`},
		{"from nobody", reportingCand{ok: false}, `{"token":7}`},
		{"native", &fakeCand{}, `{"token":7}`},
	} {
		p := &proc{cand: c.cand}
		if got := string(history.MustValue(p.granted(7))); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
