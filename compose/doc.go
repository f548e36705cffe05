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
// compose-go; the same file works by hand with `docker-compose up`. Nothing
// is ever pulled: images are the official ones when present locally, else
// the local builds of [BuildImages].
//
// Links are cut by a one-shot sidecar from the netctl image (a static
// chaos binary, see package [github.com/chaos-election/chaos/compose/netctl])
// that joins a node's network namespace and replaces its nftables rules, so
// backend images need no shell, iptables or tc.
package compose
