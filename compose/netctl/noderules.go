package netctl

import (
	"net/netip"

	"github.com/chaos-election/chaos/netfault"
)

// NodeRules is everything one node's network namespace must do to its
// links, as the harness sends it to the node's network agent: the effects
// on what the node receives, by sender, and on what it sends, by
// receiver. Drops and loss act on what it receives (nftables input);
// delays and rates on what it sends (netem/htb egress) or, by the user-space
// proxy, on both directions of the TCP connections its peers open to it.
// The zero NodeRules is a healthy node.
type NodeRules struct {
	Into  map[netip.Addr]netfault.Effect `json:"into,omitempty"`
	OutOf map[netip.Addr]netfault.Effect `json:"out_of,omitempty"`
}
