package nemesis

import (
	"slices"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// The follower role is a node other than the leader's, each of them in
// turn over draws; with no leader, any node.
func TestVictimFollower(t *testing.T) {
	f := newFake(3)
	f.leader = "n2"
	r := rng(5)
	seen := map[string]int{}
	for range 200 {
		nodes, fallback, err := victims(r, f.env(), f.env().Clients.Leader, "follower")
		if err != nil || fallback || len(nodes) != 1 {
			t.Fatalf("follower: %v %v %v", nodes, fallback, err)
		}
		seen[nodes[0]]++
	}
	if seen["n2"] != 0 || seen["n1"] == 0 || seen["n3"] == 0 {
		t.Fatalf("followers drawn %v: want n1 and n3, never the leader n2", seen)
	}
	f.leader = ""
	clear(seen)
	for range 200 {
		nodes, _, _ := victims(r, f.env(), f.env().Clients.Leader, "follower")
		seen[nodes[0]]++
	}
	if len(seen) != 3 {
		t.Fatalf("with no leader, followers drawn %v: want every node", seen)
	}
	if field, err := ValidateFault(FaultSpec{Kind: "clock-skew", Victim: "follower", Offset: 1, Duration: 1}, 3); err != nil {
		t.Fatalf("follower refused as a victim: %s: %v", field, err)
	}
	if !slices.Contains(roles, "follower") {
		t.Fatal("follower is not a role")
	}
}

type serverLeader string

func (s serverLeader) Leader() (string, bool) { return string(s), s != "" }

// With the servers' own leader known apart from the candidates' (target
// kubernetes: etcd's raft leader, candidates on API servers), faults on
// nodes aimed at the leader hit the servers' leader, and faults on
// candidates the leading candidate.
func TestVictimLeaderOfServersAndOfCandidates(t *testing.T) {
	f := newFake(3)
	f.leader = "n2" // the leading candidate's node
	env := f.env()
	env.Servers = serverLeader("n3")
	r := rng(1)
	var node, client history.Fault
	if err := chooseVictims(r, env, "leader", &node); err != nil {
		t.Fatal(err)
	}
	if err := chooseClientVictims(r, env, "leader", &client); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(node.Nodes, []string{"n3"}) || !slices.Equal(client.Nodes, []string{"n2"}) {
		t.Fatalf("leader of the nodes %v, of the candidates %v: want [n3] and [n2]", node.Nodes, client.Nodes)
	}
	var follower history.Fault
	for range 50 {
		if err := chooseVictims(r, env, "follower", &follower); err != nil {
			t.Fatal(err)
		}
		if follower.Nodes[0] == "n3" {
			t.Fatalf("a follower fault hit the servers' leader n3")
		}
	}
	env.Servers = nil
	if err := chooseVictims(r, env, "leader", &node); err != nil || !slices.Equal(node.Nodes, []string{"n2"}) {
		t.Fatalf("without Servers the leader of the nodes is %v (%v), want the candidate's n2", node.Nodes, err)
	}
}

// withAPIServers is the fake cluster with API servers in front.
type withAPIServers struct {
	*fake
	servers []string
}

func (w withAPIServers) APIServerNames() []string { return w.servers }

// Victim apiserver draws one of the API servers, never a node; a cluster
// without them refuses it; only pause and kill take it.
func TestVictimAPIServer(t *testing.T) {
	f := newFake(3)
	env := f.env()
	env.Cluster = withAPIServers{fake: f, servers: []string{"api1", "api2"}}
	r := rng(2)
	seen := map[string]bool{}
	for range 40 {
		var v history.Fault
		if err := chooseVictims(r, env, VictimAPIServer, &v); err != nil {
			t.Fatal(err)
		}
		seen[v.Nodes[0]] = true
	}
	if len(seen) != 2 || !seen["api1"] || !seen["api2"] {
		t.Fatalf("apiserver victims %v, want api1 and api2", seen)
	}
	var v history.Fault
	if err := chooseVictims(r, f.env(), VictimAPIServer, &v); err == nil {
		t.Fatal("a cluster without API servers gave an apiserver victim")
	}
	for kind, ok := range map[string]bool{"pause": true, "kill": true, "client-pause": false} {
		_, err := ValidateFault(FaultSpec{Kind: kind, Victim: VictimAPIServer, Duration: time.Second}, 3)
		if (err == nil) != ok {
			t.Errorf("%s of victim apiserver: %v", kind, err)
		}
	}
}
