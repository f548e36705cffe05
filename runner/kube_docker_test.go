//go:build docker

package runner

import (
	"os"
	"testing"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
)

// kubePlan is target kubernetes (3 etcd members, 1 kube-apiserver, 3
// client-go candidates) at CI size: a 3 s Lease (client-go's 15 : 10 : 2,
// so 2 s / 400 ms), the given faults.
func kubePlan(t *testing.T, name, resource string, faults ...nemesis.FaultSpec) plan.Plan {
	p := shortPlan(t, plan.TargetKubernetes, name, resource, faults...)
	p.LeaseTTL = 3 * time.Second
	return p
}

// Issue 18, case 1: the default kubernetes plan (partitions and pauses of
// etcd members, fenced by token) ends valid with at least 2 distinct
// leaders.
func TestKubernetesDefaultPlanValid(t *testing.T) {
	t.Parallel()
	p, err := plan.Load("../examples/kubernetes-default.yaml", plan.Plan{})
	if err != nil {
		t.Fatal(err)
	}
	p.Duration, p.Recovery, p.Nemesis.Interval = 36*time.Second, 5*time.Second, 2*time.Second
	for i := range p.Nemesis.Faults {
		p.Nemesis.Faults[i].Duration = 6 * time.Second
	}
	out, ops := runPlan(t, p)
	faults, leaders := 0, map[string]bool{}
	for _, op := range ops {
		if op.F == history.FFaultStart && op.Type == history.Info {
			faults++
		}
		if op.F == history.FCampaign && op.Type == history.OK {
			leaders[op.Process] = true
		}
	}
	t.Logf("kubernetes default: %s, %d ops, %d faults, %d distinct leaders, %v stale writes rejected", out.Results.Validity,
		len(ops), faults, len(leaders), figure(out.Results, "stale-writes", "stale_rejected"))
	if out.Results.Validity != checkers.Valid {
		logNonWrites(t, ops)
		t.Fatalf("default kubernetes plan: %s: %+v", out.Results.Validity, out.Results.Results)
	}
	if faults < 2 || len(leaders) < 2 {
		logNonWrites(t, ops)
		t.Fatalf("%d faults in effect, %d distinct leaders: the run tested little", faults, len(leaders))
	}
}

// kubeZombie pauses the leading candidate's client (a controller's GC
// pause) for twice its Lease.
var kubeZombie = nemesis.FaultSpec{Kind: "client-pause", Victim: "leader", Duration: 6 * time.Second}

// Issue 18, case 2: client-go does not fence. Unfenced, the paused leader
// acts after its successor took the Lease: invalid in at least 4 of 5
// runs. Fenced by token or through the API server: valid, the stale
// writes rejected and counted.
func TestKubernetesZombieController(t *testing.T) {
	t.Parallel()
	t.Run("none", func(t *testing.T) {
		t.Parallel()
		fourOfFive(t, "the zombie controller caught", func(i int) bool {
			p := kubePlan(t, "zombie", "none", kubeZombie)
			p.Duration = 15 * time.Second
			out, ops := runPlan(t, p)
			accepted := figure(out.Results, "stale-writes", "stale_accepted")
			t.Logf("run %d: %s, %d leaderships, %v stale writes accepted", i, out.Results.Validity, grants(ops), accepted)
			if out.Results.Validity == checkers.Invalid && accepted > 0 {
				return true
			}
			logNonWrites(t, ops)
			return false
		})
	})
	for _, mode := range []string{"token", "backend"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			p := kubePlan(t, "zombie-"+mode, mode, kubeZombie)
			p.Duration = 15 * time.Second
			out, ops := runPlan(t, p)
			rejected := figure(out.Results, "stale-writes", "stale_rejected")
			t.Logf("%s: %s, %d leaderships, %v stale writes rejected", mode, out.Results.Validity, grants(ops), rejected)
			if out.Results.Validity != checkers.Valid || rejected < 1 {
				logNonWrites(t, ops)
				t.Fatalf("%s: %s with %v stale writes rejected: %+v", mode, out.Results.Validity, rejected, out.Results.Results)
			}
		})
	}
}

// An API server killed or paused for longer than client-go's
// RenewDeadline (2 s here, for 6 s): the leader cannot renew and stops
// leading about two RenewDeadlines after the fault began (client-go's
// release waits for the API server too); once the API server is back a
// candidate takes the Lease again. Fenced, valid.
func TestKubernetesAPIServerDown(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"kill", "pause"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p := kubePlan(t, "apiserver-"+kind, "token", nemesis.FaultSpec{Kind: kind, Victim: nemesis.VictimAPIServer, Duration: 6 * time.Second})
			p.Duration = 12 * time.Second
			out, ops := runPlan(t, p)
			// The new grant is the first after the leader's lost: a thawed
			// API server can answer before the heal is recorded.
			var start, heal, lost, regrant = -1.0, -1.0, -1.0, -1.0
			for _, op := range ops {
				at := op.Time.Seconds()
				switch {
				case op.F == history.FFaultStart && op.Type == history.Info && start < 0:
					if f, ok := op.Fault(); !ok || len(f.Nodes) != 1 || f.Nodes[0] != "api1" {
						t.Fatalf("the fault struck %v (%v), want api1", f.Nodes, ok)
					}
					start = at
				case op.F == history.FFaultHeal && start >= 0 && heal < 0:
					heal = at
				case op.F == history.FLost && start >= 0 && lost < 0:
					lost = at
				case op.F == history.FCampaign && op.Type == history.OK && lost >= 0 && regrant < 0:
					regrant = at
				}
			}
			t.Logf("%s api1: %s; leader lost %.2f s after the fault began, a new grant %.2f s after the heal (%d grants)",
				kind, out.Results.Validity, lost-start, regrant-heal, grants(ops))
			if out.Results.Validity != checkers.Valid || start < 0 || lost < 0 || regrant < 0 {
				logNonWrites(t, ops)
				t.Fatalf("%s of the API server: %s, fault at %.2f, lost at %.2f, regrant at %.2f", kind, out.Results.Validity, start, lost, regrant)
			}
		})
	}
}

// Three API servers (kubernetes.apiservers), the candidates spread over
// them, and the client side's link faults through one proxy per
// candidate in front of its API server: the leader cut off from its API
// server, or slowed past its RenewDeadline, loses the Lease while the
// fault is in effect and a peer behind another API server takes it.
// client-go's leader learns it lost only about two RenewDeadlines (4 s)
// after its last renewal, past its 3 s Lease: unfenced, both lead and
// both writes land (split brain, invalid); fenced by token, valid with
// the cut-off leader's writes rejected.
func TestKubernetesLinksToAPIServers(t *testing.T) {
	t.Parallel()
	for _, resource := range []string{"token", "none"} {
		t.Run(resource, func(t *testing.T) {
			t.Parallel()
			p := kubePlan(t, "apiserver-links-"+resource, resource,
				nemesis.FaultSpec{Kind: "client-partition", Victim: "leader", Duration: 5 * time.Second},
				nemesis.FaultSpec{Kind: "client-delay", Victim: "leader", Delay: 3 * time.Second, Duration: 5 * time.Second})
			p.Kubernetes.APIServers = 3
			p.Duration = time.Second
			for _, f := range p.Nemesis.Faults {
				p.Duration += p.Nemesis.Interval + f.Needs()
			}
			p.Seed = coveringSeed(p)
			out, ops := runPlan(t, p)
			kinds, lostIn := faultKinds(ops), lostWhileInEffect(ops)
			t.Logf("%s: %s; faults %v; leaderships lost while in effect %v; stale writes %v accepted, %v rejected; overlap %v s",
				resource, out.Results.Validity, kinds, lostIn, figure(out.Results, "stale-writes", "stale_accepted"),
				figure(out.Results, "stale-writes", "stale_rejected"), figure(out.Results, "dual-leaders", "overlap_longest_s"))
			for _, k := range []string{"client-partition", "client-delay"} {
				if kinds[k] == 0 || lostIn[k] == 0 {
					logNonWrites(t, ops)
					t.Errorf("%s: %d in effect, %d leaderships lost while in effect", k, kinds[k], lostIn[k])
				}
			}
			for _, api := range []string{"api1", "api2", "api3"} {
				if st, err := os.Stat(out.Dir + "/logs/" + api + ".log"); err != nil || st.Size() == 0 {
					t.Errorf("no log of %s: %v", api, err)
				}
			}
			switch {
			case resource == "token" && (out.Results.Validity != checkers.Valid || leaders(ops) < 2):
				t.Fatalf("fenced: %s with %d leaders: %+v", out.Results.Validity, leaders(ops), out.Results.Results)
			case resource == "none" && (out.Results.Validity != checkers.Invalid || figure(out.Results, "dual-leaders", "split_brains") < 1):
				logNonWrites(t, ops)
				t.Fatalf("unfenced: %s, %v split brains: the cut-off leader's late writes went unseen", out.Results.Validity,
					figure(out.Results, "dual-leaders", "split_brains"))
			}
		})
	}
}

// lostWhileInEffect counts, per fault kind, the leaderships lost while a
// fault of that kind was in effect.
func lostWhileInEffect(ops []history.Op) map[string]int {
	open, lost := map[string]bool{}, map[string]int{}
	for _, op := range ops {
		switch {
		case op.F == history.FFaultStart && op.Type == history.Info:
			if f, ok := op.Fault(); ok {
				open[f.Kind] = true
			}
		case op.F == history.FFaultHeal:
			if f, ok := op.Fault(); ok {
				delete(open, f.Kind)
			}
		case op.F == history.FLost:
			for k := range open {
				lost[k]++
			}
		}
	}
	return lost
}
