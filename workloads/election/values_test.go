package election

import (
	"regexp"
	"testing"

	"github.com/chaos-election/chaos/history"
)

// The candidates' values on disk are what the workload wrote before it
// had typed values (maps, whose keys encoding/json sorts): a campaign's ok
// {"token":T}, a write {"seq":S,"token":T} on its invoke and its
// completion, a lost {"reason":R,"token":T}, a resign {"token":T}.
func TestValuesOnDisk(t *testing.T) {
	f := newFakeTarget()
	r := startRun(t, f, endpoints(3), ResourceToken)
	r.waitFor("a leader", func(ops []history.Op) bool { return len(find(ops, "", history.OK, history.FWrite)) > 0 })
	first, _ := f.current()
	if err := f.expire(first); err != nil {
		t.Fatal(err)
	}
	r.waitFor("a second leader's write", func(ops []history.Op) bool {
		for _, op := range find(ops, "", history.OK, history.FWrite) {
			if op.Process != first {
				return true
			}
		}
		return false
	})
	ops := r.stop()
	want := map[string]*regexp.Regexp{
		"ok " + history.FCampaign:     regexp.MustCompile(`^\{"token":[0-9]+\}$`),
		"invoke " + history.FWrite:    regexp.MustCompile(`^\{"seq":[0-9]+,"token":[0-9]+\}$`),
		"ok " + history.FWrite:        regexp.MustCompile(`^\{"seq":[0-9]+,"token":[0-9]+\}$`),
		"info " + history.FLost:       regexp.MustCompile(`^\{"reason":"expired","token":[0-9]+\}$`),
		"invoke " + history.FResign:   regexp.MustCompile(`^\{"token":[0-9]+\}$`),
		"ok " + history.FResign:       regexp.MustCompile(`^\{"token":[0-9]+\}$`),
		"invoke " + history.FCampaign: regexp.MustCompile(`^\{\}$`),
	}
	seen := map[string]int{}
	for _, op := range ops {
		k := string(op.Type) + " " + op.F
		if re, ok := want[k]; ok {
			seen[k]++
			if !re.Match(op.Value) {
				t.Errorf("%s of %s: %s, want %s", k, op.Process, op.Value, re)
			}
		}
	}
	for k := range want {
		if seen[k] == 0 {
			t.Errorf("no %s recorded: %v", k, seen)
		}
	}
}
