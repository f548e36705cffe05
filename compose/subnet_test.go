package compose

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

func TestSubnetCandidates(t *testing.T) {
	a := subnetCandidates("run-a")
	if len(a) != 256 {
		t.Fatalf("%d candidates, want 256", len(a))
	}
	seen := map[netip.Prefix]bool{}
	pool := netip.MustParsePrefix("172.29.0.0/16")
	for _, p := range a {
		if p.Bits() != 24 || !pool.Contains(p.Addr()) || p.Masked() != p {
			t.Fatalf("candidate %s is not a /24 of %s", p, pool)
		}
		seen[p] = true
	}
	if len(seen) != 256 {
		t.Fatalf("candidates repeat: %d distinct", len(seen))
	}
	if b := subnetCandidates("run-a"); b[0] != a[0] {
		t.Error("candidates are not deterministic")
	}
	// Different runs start in different places (for these two ids).
	if b := subnetCandidates("run-b"); b[0] == a[0] {
		t.Errorf("run-a and run-b both start at %s", a[0])
	}
}

func TestFreeSubnets(t *testing.T) {
	cands := []netip.Prefix{
		netip.MustParsePrefix("172.29.1.0/24"),
		netip.MustParsePrefix("172.29.2.0/24"),
		netip.MustParsePrefix("172.29.3.0/24"),
	}
	used := []netip.Prefix{netip.MustParsePrefix("172.29.2.0/23"), netip.MustParsePrefix("172.17.0.0/16")}
	got := freeSubnets(cands, used)
	if len(got) != 1 || got[0] != cands[0] {
		t.Fatalf("free = %v, want [%s]", got, cands[0])
	}
	if got := freeSubnets(cands, []netip.Prefix{netip.MustParsePrefix("172.16.0.0/12")}); len(got) != 0 {
		t.Fatalf("free under a /12 = %v, want none", got)
	}
}

func TestCreateNetworkSkipsUsedAndOverlapping(t *testing.T) {
	f := newFake()
	ctx := context.Background()
	cands := subnetCandidates("r")
	// The first candidate is visibly taken; the second is taken by a
	// concurrent run between the listing and the create.
	if _, err := f.NetworkCreate(ctx, "other", networkOpts(cands[0].String())); err != nil {
		t.Fatal(err)
	}
	f.failNetworkCreate = func(_, subnet string) error {
		if subnet == cands[1].String() {
			return errors.New("Error response from daemon: Pool overlaps with other one on this address space")
		}
		return nil
	}
	var tried []string
	got, err := createNetworkIn(ctx, f, "r", func(s netip.Prefix) error {
		tried = append(tried, s.String())
		_, err := f.NetworkCreate(ctx, "chaos-r", networkOpts(s.String()))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != cands[2] {
		t.Errorf("subnet = %s, want %s", got, cands[2])
	}
	if len(tried) != 2 || tried[0] != cands[1].String() {
		t.Errorf("tried %v, want %s then %s", tried, cands[1], cands[2])
	}
	// Any other error stops at once.
	boom := errors.New("boom")
	_, err = createNetworkIn(ctx, f, "r2", func(netip.Prefix) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
}

// oldEngine answers a network create as an engine of API < 1.44 does
// when the request does not ask for CheckDuplicate (the moby client never
// does): a name already taken gets a second network and a warning.
type oldEngine struct{ *fakeDocker }

func (o oldEngine) NetworkCreate(_ context.Context, name string, opts client.NetworkCreateOptions) (client.NetworkCreateResult, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.call("NetworkCreate %s %s", name, opts.IPAM.Config[0].Subnet)
	var warning []string
	for _, n := range o.networks {
		if n.Name == name {
			warning = append(warning, "Network with name "+name+" (id : "+n.ID+") already exists")
		}
	}
	n := &fakeNet{ID: o.id(), Name: name, Subnet: opts.IPAM.Config[0].Subnet.String(), Labels: opts.Labels}
	o.networks[n.ID] = n
	return client.NetworkCreateResult{ID: n.ID, Warning: warning}, nil
}

func TestCreateNetworkRefusesATakenName(t *testing.T) {
	ctx := context.Background()
	for _, api := range []networkAPI{newFake(), oldEngine{newFake()}} {
		if _, err := createNetwork(ctx, api, "chaos-r", networkOpts("172.29.1.0/24")); err != nil {
			t.Fatal(err)
		}
		_, err := createNetwork(ctx, api, "chaos-r", networkOpts("172.29.2.0/24"))
		if !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("%T: second create of chaos-r: %v, want a conflict", api, err)
		}
		nets, err := api.NetworkList(ctx, client.NetworkListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(nets.Items) != 1 || nets.Items[0].IPAM.Config[0].Subnet.String() != "172.29.1.0/24" {
			t.Errorf("%T: networks after the refused create: %+v", api, nets.Items)
		}
	}
}
