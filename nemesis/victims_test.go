package nemesis

import (
	"slices"
	"testing"
)

// The follower role is a node other than the leader's, each of them in
// turn over draws; with no leader, any node.
func TestVictimFollower(t *testing.T) {
	f := newFake(3)
	f.leader = "n2"
	r := rng(5)
	seen := map[string]int{}
	for range 200 {
		nodes, fallback, err := victims(r, f.env(), "follower")
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
		nodes, _, _ := victims(r, f.env(), "follower")
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
