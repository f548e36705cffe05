package compose

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/netip"
	"strings"

	"github.com/moby/moby/client"
)

// subnetCandidates lists the /24s of 172.29.0.0/16 in the order a run
// tries them: starting at a place that depends on the run id, so that
// concurrent runs rarely race for the same one, and wrapping around.
func subnetCandidates(runID string) []netip.Prefix {
	h := fnv.New32a()
	_, _ = h.Write([]byte(runID))
	start := int(h.Sum32() % 256)
	base := [4]byte{172, 29, 0, 0} // run networks are /24s of 172.29.0.0/16
	out := make([]netip.Prefix, 0, 256)
	for i := range 256 {
		b := base
		b[2] = byte((start + i) % 256)
		out = append(out, netip.PrefixFrom(netip.AddrFrom4(b), 24))
	}
	return out
}

// usedSubnets returns the IPv4 subnets of the engine's networks.
func usedSubnets(ctx context.Context, api networkAPI) ([]netip.Prefix, error) {
	nets, err := api.NetworkList(ctx, client.NetworkListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	var used []netip.Prefix
	for _, n := range nets.Items {
		for _, c := range n.IPAM.Config {
			if p := c.Subnet; p.IsValid() && p.Addr().Is4() {
				used = append(used, p.Masked())
			}
		}
	}
	return used, nil
}

// freeSubnets filters candidates down to those overlapping none of used.
func freeSubnets(candidates, used []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, c := range candidates {
		free := true
		for _, u := range used {
			if c.Overlaps(u) {
				free = false
				break
			}
		}
		if free {
			out = append(out, c)
		}
	}
	return out
}

// errNoSubnet is returned when every candidate /24 is taken.
var errNoSubnet = errors.New("no free /24 in 172.29.0.0/16 for the run's network")

// isPoolOverlap says whether a network create failed because its subnet
// overlaps another network's (a concurrent run took it first).
func isPoolOverlap(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "pool overlaps")
}

// createNetworkIn tries create with each free candidate subnet in turn
// until one is not refused for overlapping; it returns the subnet used.
func createNetworkIn(ctx context.Context, api networkAPI, runID string,
	create func(subnet netip.Prefix) error) (netip.Prefix, error) {
	used, err := usedSubnets(ctx, api)
	if err != nil {
		return netip.Prefix{}, err
	}
	tried := 0
	for _, s := range freeSubnets(subnetCandidates(runID), used) {
		err := create(s)
		if err == nil {
			return s, nil
		}
		if !isPoolOverlap(err) {
			return netip.Prefix{}, err
		}
		if tried++; tried >= 16 {
			return netip.Prefix{}, fmt.Errorf("%w (16 candidates overlapped): %w", errNoSubnet, err)
		}
	}
	return netip.Prefix{}, errNoSubnet
}
