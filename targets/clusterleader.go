package targets

import "context"

// LeaderReporter is a backend that can say which of its own nodes is its
// consensus leader (etcd's raft leader, ZooKeeper's leader, Consul's raft
// leader): the victim of "leader" faults in runs without the election
// workload, whose clients know of no leader.
type LeaderReporter interface {
	// Leads reports whether the node at ep considers itself the leader.
	// During a partition an isolated old leader may still say so for a
	// while; callers take the answer as a hint.
	Leads(ctx context.Context, ep Endpoint) (bool, error)
}
