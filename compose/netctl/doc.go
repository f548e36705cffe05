// Package netctl owns the nftables rules that cut a node's links: inside
// one network namespace, a table "inet chaos" whose input chain drops
// every IPv4 packet from a set of source addresses.
//
// It runs inside the netctl sidecar (`chaos netctl drop|clear|show`), a
// one-shot container that joins a node's network namespace, so backend
// images need no shell, iptables or nft. [Build] is the pure part (the rule
// set as data, unit-tested); [Apply], [Clear] and [Current] talk netlink to
// the namespace the calling process is in.
//
// Only the listed sources are dropped: the harness (the host, reaching the
// node through the bridge gateway) is never in the set, so it always
// reaches every node. Apply replaces the whole table in one nftables
// transaction, so it is atomic and idempotent; Clear deletes the table and
// is idempotent too.
package netctl
