//go:build docker

package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
)

// The faults on the links between nodes, each in effect on every backend
// in one run: the probe across a delayed link sees the delay (or the start
// fails), the changes say how they were applied and how long they took, a
// flaky link flaps, and the run is valid with fencing and leaves nothing.
// A link-rate's probe times a transfer at its bandwidth. Where the agents can delay only by their TCP proxy, Consul's plan with
// a link-delay is refused (exit 254) before any fault, and its other link
// faults run without it.
func TestNodeLinkFaults(t *testing.T) { forEachTarget(t, testNodeLinkFaults) }

var nodeLinkFaults = []nemesis.FaultSpec{
	{Kind: "link-loss", Victim: "leader", Loss: 0.3, Duration: 3 * time.Second},
	{Kind: "link-delay", Shape: "isolate-leader", Delay: 300 * time.Millisecond, Jitter: 100 * time.Millisecond, Duration: 3 * time.Second},
	{Kind: "partition", Shape: "isolate-leader", Direction: nemesis.DirectionOneWay, Duration: 3 * time.Second},
	{Kind: "flaky", Victim: "leader", Period: 500 * time.Millisecond, Duration: 3 * time.Second},
	{Kind: "link-rate", Victim: "leader", Bandwidth: 32_000, Duration: 3 * time.Second},
}

func testNodeLinkFaults(t *testing.T, target string) {
	faults := nodeLinkFaults
	p := nodeLinkPlan(t, target, faults)
	out, err := Run(context.Background(), RunConfig{Plan: p, Root: t.TempDir(), Progress: os.Stderr,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	assertRunLeftNothing(t, out.ID)
	if err != nil {
		var pe *plan.Error
		if target != "consul" || !errors.As(err, &pe) || ExitCode(err) != ExitBadInput || !strings.Contains(err.Error(), "Serf gossip is UDP") {
			t.Fatalf("run: %v", err)
		}
		t.Logf("refused as it must be without netem: %v", err)
		faults = slices.DeleteFunc(slices.Clone(faults), func(f nemesis.FaultSpec) bool { return f.Kind == "link-delay" })
		p = nodeLinkPlan(t, target, faults)
		out, _ = runPlan(t, p)
	}
	ops, _, err := history.ReadFile(out.Dir + "/" + HistoryFile)
	if err != nil {
		t.Fatal(err)
	}
	starts, heals := map[string]history.Fault{}, map[string]history.Fault{}
	for _, op := range ops {
		v, _ := op.Fault()
		switch op.F {
		case history.FFaultError:
			t.Errorf("fault error: %s %s", op.Value, op.Err)
		case history.FFaultStart:
			starts[v.Kind] = v
		case history.FFaultHeal:
			heals[v.Kind] = v
		}
	}
	t.Logf("%s; starts %+v; heals %+v", out.Results.Validity, starts, heals)
	for _, f := range faults {
		s, ok := starts[f.Kind]
		if !ok {
			t.Errorf("%s never in effect", f.Kind)
			continue
		}
		if _, ok := heals[f.Kind]; !ok {
			t.Errorf("%s never healed", f.Kind)
		}
		if s.Took == "" {
			t.Errorf("%s: no took: %+v", f.Kind, s)
		}
		switch f.Kind {
		case "link-loss", "link-delay":
			if s.Method == "" || s.Probe == "" {
				t.Errorf("%s: method %q probe %q", f.Kind, s.Method, s.Probe)
			}
		case "link-rate":
			// 8000 B, a quarter second at 32 kB/s: the probe fails the
			// start when the transfer runs at more than twice that.
			if s.Method != "htb" || s.Bandwidth != "256kbit" || !strings.Contains(s.Probe, ": 8000 B in ") {
				t.Errorf("link-rate recorded %+v", s)
			}
		case "partition":
			if s.Direction != nemesis.DirectionOneWay || len(s.Grudge) != 2 {
				t.Errorf("one-way partition recorded %+v", s)
			}
		case "flaky":
			if heals["flaky"].Flaps < 2 {
				t.Errorf("flaky flapped %d times in 3 s at 500 ms", heals["flaky"].Flaps)
			}
		}
	}
	if d, ok := starts["link-delay"]; ok && !strings.Contains(d.Probe, "round trip") {
		t.Errorf("link-delay probe: %q", d.Probe)
	}
	diverged := zooKeeperDiverged(t, out.Dir)
	if len(diverged) > 0 {
		t.Logf("ZooKeeper server data diverged from the quorum's (docs/backends.md, \"a server that diverged\"): %v", diverged)
	}
	if out.Results.Validity != checkers.Valid {
		logNonWrites(t, ops)
		if explained, why := byDivergedServer(out.Results, ops, diverged); explained {
			t.Logf("%s, as ZooKeeper 3.8.0's divergence makes it (not a failure of this test): %s", out.Results.Validity, why)
			return
		}
		t.Fatalf("%s: %+v", out.Results.Validity, out.Results.Results)
	}
}

// byDivergedServer reports whether an invalid run is the ZooKeeper
// server bug docs/backends.md describes and no more: every fatal anomaly
// is token-order's token-not-increasing, and in each the earlier grant,
// the one with the higher token, went to a candidate on a server whose
// log says its data diverged (diverged: zooKeeperDiverged's lines).
func byDivergedServer(r checkers.Results, ops []history.Op, diverged []string) (bool, string) {
	if r.Validity != checkers.Invalid || len(diverged) == 0 {
		return false, ""
	}
	byIndex := make(map[int64]history.Op, len(ops))
	for _, op := range ops {
		byIndex[op.Index] = op
	}
	onDiverged := func(node string) bool {
		for _, d := range diverged {
			if strings.HasPrefix(d, node+": ") {
				return true
			}
		}
		return false
	}
	var why []string
	for _, res := range r.Results {
		for _, a := range res.Anomalies {
			if !a.Fatal {
				continue
			}
			if res.Checker != "token-order" || a.Kind != "token-not-increasing" || len(a.Ops) != 2 {
				return false, ""
			}
			first, second := byIndex[a.Ops[0]], byIndex[a.Ops[1]]
			if !onDiverged(first.Node) || onDiverged(second.Node) {
				return false, ""
			}
			why = append(why, fmt.Sprintf("op %d (%s on %s) before op %d (%s on %s): %s",
				first.Index, first.Process, first.Node, second.Index, second.Process, second.Node, a.Message))
		}
	}
	return len(why) > 0, strings.Join(why, "; ")
}

// zooKeeperDiverged returns, for each ZooKeeper server whose log in the
// run directory dir says its data tree differs from the leader's (the
// digest check on the transactions it applies), the node and that log
// line; none for the other targets. A server can diverge so after it
// truncated its log to a new leader's and reloaded a snapshot it had
// taken with proposals of its own that were never committed: its reads,
// after a sync too, then miss the znodes those proposals deleted.
func zooKeeperDiverged(t *testing.T, dir string) []string {
	t.Helper()
	logs, err := filepath.Glob(filepath.Join(dir, LogsDir, "n*.log"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range logs {
		if strings.HasSuffix(f, "-agent.log") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "org.apache.zookeeper.server.DataTree - First digest mismatch on txn") {
				out = append(out, strings.TrimSuffix(filepath.Base(f), ".log")+": "+strings.TrimSpace(line))
				break
			}
		}
	}
	return out
}

// nodeLinkPlan is the short plan on target with faults, each once: a seed
// whose schedule starts with every one of them, and a window that fits
// them all.
func nodeLinkPlan(t *testing.T, target string, faults []nemesis.FaultSpec) plan.Plan {
	t.Helper()
	p := shortPlan(t, target, "node-links", "token", faults...)
	var need time.Duration
	for _, f := range faults {
		need += p.Nemesis.Interval + f.Needs()
	}
	p.Duration = need + time.Second
	// The schedule this test has always run: covering the faults with no
	// fallback draw. The seed that also covers a fallback after the first
	// pick (coveringSeed's default) makes ZooKeeper's run invalid now and
	// then (2 CI runs; 1 of 10 here, a second of the 10 diverged but its
	// grants came in token order): its one-way partition cuts what the
	// ensemble leader sends while that leader expires sessions, and
	// ZooKeeper 3.8.0 then keeps the uncommitted expiries in one server's
	// data (docs/backends.md, "a server that diverged"). The candidate on
	// that server leads beside the true leader, with a newer epoch's
	// czxid; token-order is right to call it invalid when the true leader's
	// grant (the lower token) completes second. A bug of the server, not
	// of the recipe or the checker. This schedule provokes it too (a
	// server diverged in 1 of 4 runs here, every run valid); the test
	// keeps it, and an invalid verdict passes only as byDivergedServer
	// explains it, every fault still asserted.
	p.Seed = coveringSeed(p, 0)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p
}
