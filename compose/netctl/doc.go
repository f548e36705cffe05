// Package netctl owns what a node's network namespace does to its links:
// the nftables table "inet chaos", whose input chain drops every IPv4
// packet from a set of sources and drops packets from others at random
// (`numgen random`, one set per loss probability), and the node's network
// agent that puts a node's [NodeRules] in force.
//
// The [Agent] (`chaos netctl agent`) is a long-lived container per node
// that owns the node's network namespace; it serves the harness's
// requests, one JSON object a line over TCP ([Request], [Reply]: apply,
// dial, show), applying the drops and loss with nftables and then a
// further stage ([Agent.Stage]) for what nftables does not do. The
// one-shot commands (`chaos netctl drop|clear|show|dial`) do the same by
// hand. Backend images need no shell, iptables or nft. [Build] and
// [BuildInput] are the pure parts (the rule sets as data, unit-tested);
// [Apply], [ApplyRules], [Clear] and [Current] talk netlink to the
// namespace the calling process is in.
//
// Only the listed sources are dropped: the harness (the host, reaching the
// node through the bridge gateway) is never in the set, so it always
// reaches every node. Apply replaces the whole table in one nftables
// transaction, so it is atomic and idempotent; Clear deletes the table and
// is idempotent too.
package netctl

// The delay and rate stage of a node's network agent is [DelayStage]
// ([NewDelayStage], then [DelayStage.Apply] of each [NodeRules],
// [DelayStage.Clear], [DelayStage.Close]). At start it asks the kernel
// what it can do ([Detect], [DetectMethods]: a netem and an htb tree tried
// on a throwaway link, an nftables nat redirect tried in a transaction
// that keeps nothing) and chooses once ([DelayStage.Methods]): rates by
// htb on the egress of the interface holding the node's address, one
// class per distinct effect and a u32 filter on each receiver's address
// ([BuildEgress], pure), so that traffic to any other address (the
// harness) goes out unshaped; delays by a netem leaf under those classes
// where the kernel has netem, else by the user-space [PeerProxy]. For the
// proxy, asked for with [DelayOptions].Proxy, the stage installs before
// the node starts a table "ip chaosnat" ([BuildRedirect],
// [InstallRedirect]) that redirects TCP from the peers' addresses, any
// port, to the proxy, which forwards each connection to its original
// destination ([OriginalDst], SO_ORIGINAL_DST) holding the bytes of each
// direction by the delay and jitter of the link they cross (Into[peer]
// for what the peer sends, OutOf[peer] for what the node sends back),
// FIFO, through [linkproxy.Serve]. Changes apply at once to open
// connections. Effects a chosen method cannot apply are refused by Apply.
// The proxy is TCP only; it dials the node from the node's own address,
// so the node sees its peers' connections come from itself.
