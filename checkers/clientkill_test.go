package checkers_test

import (
	"fmt"
	"testing"

	"github.com/chaos-election/chaos/checkers"
)

// crashOfLeader is a client-kill of the leader n1 as the election
// workload records it: the fault-start, then at once n1's lost (the
// crash ended its leadership; it acts no more), the observer still seeing
// n1 until its lease runs out 3 s later, n2 granted then, and at the heal
// a fresh process n1#2 campaigning. extra goes before the heal.
func crashOfLeader(crashEnd string, extra ...string) []string {
	lines := []string{
		`0 n1 invoke campaign {}`,
		`1 n2 invoke campaign {}`,
		`2 n3 invoke campaign {}`,
		`10 n1 ok campaign {"token":5}`,
		`11 observer info leader {"leader":"n1","token":5}`,
	}
	for i := range 8 {
		lines = append(lines, fmt.Sprintf(`%d n1 invoke write {"token":5,"seq":%d}`, 100+100*i, i+1),
			fmt.Sprintf(`%d n1 ok write {"token":5,"seq":%d}`, 101+100*i, i+1))
	}
	lines = append(lines, `1000 nemesis info fault-start {"fault":"client-kill","victim":"leader","node":"n1","nodes":["n1"],"process":"n1"}`)
	if crashEnd != "" {
		lines = append(lines, crashEnd)
	}
	lines = append(lines,
		`4000 observer info leader {"leader":null}`,
		`4000 n2 ok campaign {"token":6}`,
		`4001 observer info leader {"leader":"n2","token":6}`,
		`4010 n2 invoke write {"token":6,"seq":20}`, `4011 n2 ok write {"token":6,"seq":20}`,
		`4020 n2 invoke write {"token":6,"seq":21}`, `4021 n2 ok write {"token":6,"seq":21}`,
	)
	lines = append(lines, extra...)
	return append(lines,
		`9000 nemesis info fault-heal {"fault":"client-kill","node":"n1","process":"n1"}`,
		`9001 n1#2 invoke campaign {}`,
	)
}

const crashLost = `1000 n1 info lost {"token":5,"reason":"the process crashed (client-kill)"}`

// A client-kill of the leader, recorded as the workload records it, is a
// failover from the crash to the next grant (3 s: the crashed leader's
// lease ran out), no false failover, and a valid run.
func TestClientKillFailover(t *testing.T) {
	res := check(h(t, crashOfLeader(crashLost)...), checkers.Options{})
	if res.Validity != checkers.Valid {
		t.Fatalf("validity %s: %+v", res.Validity, res.Results)
	}
	live := result(res, "liveness")
	if len(live.Failovers) != 1 {
		t.Fatalf("failovers %+v, want one", live.Failovers)
	}
	fo := live.Failovers[0]
	if fo.Fault != "client-kill" || fo.Process != "n1" || fo.Token != 5 || !fo.Resolved || fo.TookS != 3 {
		t.Fatalf("failover %+v, want client-kill of n1 (token 5) resolved after 3 s", fo)
	}
	if n := live.Figures["false_failovers"]; n != 0 {
		t.Fatalf("%v false failovers: %+v", n, live.Anomalies)
	}
	if d := result(res, "dual-leaders"); d.Validity != checkers.Valid || len(d.Anomalies) != 0 {
		t.Fatalf("dual-leaders: %+v", d)
	}
}

// The crash's end must follow its fault-start: recorded before it, the
// leadership had ended before any fault and the next grant is a false
// failover, the kill no failover at all. This is why the workload records
// the end only once the fault-start is recorded.
func TestClientKillEndBeforeTheFault(t *testing.T) {
	lines := crashOfLeader("")
	for i, l := range lines {
		if l == `1000 nemesis info fault-start {"fault":"client-kill","victim":"leader","node":"n1","nodes":["n1"],"process":"n1"}` {
			lines = append(lines[:i], append([]string{crashLost}, lines[i:]...)...)
			break
		}
	}
	live := result(check(h(t, lines...), checkers.Options{}), "liveness")
	if len(live.Failovers) != 0 || live.Figures["false_failovers"] != 1 {
		t.Fatalf("failovers %+v, false failovers %v; want none and one", live.Failovers, live.Figures["false_failovers"])
	}
}

// A crashed leader that acted after its crash (the crash did not stop it)
// and whose write the resource accepted after the new leader's is caught:
// a stale write accepted, invalid.
func TestClientKillZombieWriteIsInvalid(t *testing.T) {
	res := check(h(t, crashOfLeader(crashLost,
		`4100 n1 invoke write {"token":5,"seq":30}`, `4101 n1 ok write {"token":5,"seq":30}`)...), checkers.Options{})
	if st := result(res, "stale-writes"); st.Validity != checkers.Invalid {
		t.Fatalf("stale-writes %s: %+v", st.Validity, st.Anomalies)
	}
}
