// Package external is a cluster the harness did not start: a staging
// cluster's nodes, named by their client endpoints. Faults come only from
// what the plan grants: the nodes' containers on a Docker host (local or
// remote through DOCKER_HOST), whose pauses, kills and partitions work as
// on a cluster the harness started, and shell commands the plan supplies
// per fault kind (a start and a heal, e.g. over ssh), run with a timeout,
// their output recorded, their heal run even when the run is cancelled.
// Link faults between the clients and the nodes need no grant: they go
// through the harness's own proxy (package linkproxy).
package external
