package kubernetes

import "github.com/chaos-election/chaos/targets"

var (
	_ targets.Namespaced    = (*Target)(nil)
	_ targets.RootDescriber = (*Target)(nil)
)

// Root is the namespace of the candidates' Lease.
func (t *Target) Root() string { return t.opts.Namespace }

// DescribeRoot: the root is a namespace, named by external.namespace, and
// Clean removes the Leases in it.
func (t *Target) DescribeRoot() targets.RootDescription {
	return targets.RootDescription{What: "the namespace " + t.opts.Namespace, Holds: "Leases", Field: "external.namespace", Removed: "every Lease in it"}
}
