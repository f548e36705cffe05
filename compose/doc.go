// Package compose owns the clusters chaos tests: one compose file per
// backend (embedded, rendered for N nodes), bringing a cluster up and down
// through the Docker Engine API, the node-level primitives the nemesis
// uses (cut links, pause, kill, restart), container logs, and the offline
// image builds (`chaos images build`).
//
// A cluster lives on a private bridge network with a fixed subnet and
// fixed addresses, so a killed node restarts with the same address and
// the harness reaches every node directly at its address. Every container
// and network carries the labels io.chaos.project=chaos and
// io.chaos.run=<run id>; [Cluster.Down] removes what one run created and
// [DownAll] what every run left behind.
//
// The compose file is rendered into the run directory and read back with
// compose-go; the same file works by hand with `docker-compose up` (the
// nodes then have no agents, and chaos cuts no links). Nothing is ever
// pulled: images are the official ones when present locally, else the
// local builds of [BuildImages].
//
// Under each node chaos puts a network agent, which the compose file does
// not show: a long-lived container from the netctl image (a static chaos
// binary running `chaos netctl agent`, see package
// [github.com/chaos-election/chaos/compose/netctl]) created first, holding
// the node's address, network aliases and hostname on the run's network;
// the node's container joins the agent's network namespace
// (network_mode container:<agent>). So the namespace, and the rules in it,
// outlive the node: a killed node restarts into the rules in force, a
// paused node's agent runs on. The harness keeps one TCP connection to
// each agent (at the node's address, port 17070, line-delimited JSON) and
// sends it the node's part of the link shape ([Cluster.Shape];
// [Cluster.Cut] and [Cluster.Mend] are shapes of drops); the agent
// replaces its nftables table in one transaction and answers once the
// rules are in the kernel, so backend images need no shell, iptables or
// tc. [Cluster.Probe] dials from one node's namespace to another through
// the agent, [Cluster.ProbeLink] times such a round trip. Agents carry
// the run's labels (io.chaos.role=netagent): Down removes the nodes, then
// the agents; `chaos down` finds them after a harness killed outright. On
// a cluster the harness attached to ([Attach]) the agents join the user's
// nodes' namespaces instead, and on a remote engine ([EngineIsRemote])
// the harness reaches them through `docker exec` of a relay in each
// agent's container (AttachSpec.AgentsByExec), not at their addresses.
package compose
