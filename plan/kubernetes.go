package plan

import (
	"fmt"

	"github.com/chaos-election/chaos/nemesis"
)

// TargetKubernetes is the target of etcd members behind kube-apiservers,
// whose candidates elect as Kubernetes controllers do: client-go's
// LeaderElector on a coordination.k8s.io/v1 Lease. Its lease_ttl is
// client-go's LeaseDuration, and lease.renew_deadline and
// lease.retry_period are client-go's (15 : 10 : 2 of lease_ttl unless
// set, as client-go's own 15 s / 10 s / 2 s defaults).
const TargetKubernetes = "kubernetes"

// checkKubernetes refuses what target kubernetes does not run: another
// recipe than its own, an external cluster (a kubeconfig is not read
// yet), the register workload, and faults on the client's links (the
// harness's proxy sits in front of etcd members, not the API servers).
func (p Plan) checkKubernetes(bad func(field, format string, args ...any)) {
	if p.Target != TargetKubernetes {
		for i, f := range p.Nemesis.Faults {
			if f.Victim == nemesis.VictimAPIServer {
				bad(fmt.Sprintf("nemesis.faults[%d].victim", i), "%s: only target kubernetes has API servers", f.Victim)
			}
		}
		return
	}
	if p.Recipe != "" && p.Recipe != RecipeNative {
		bad("recipe", "target kubernetes elects with client-go's LeaderElector on a Lease (its native recipe); %s is for etcd, zookeeper and consul", p.Recipe)
	}
	if p.Cluster == ClusterExternal {
		bad("cluster", "target kubernetes runs on the cluster chaos starts (etcd and kube-apiserver containers); a staging cluster by kubeconfig is not supported yet")
	}
	if p.RegisterWorkload() {
		bad("workload", "target kubernetes has no register client: use workload election")
	}
	for i, f := range p.Nemesis.Faults {
		if nemesis.IsLinkFault(f.Kind) {
			bad(fmt.Sprintf("nemesis.faults[%d].kind", i), "%s acts on a client's link to its node through the harness's proxy, which target kubernetes does not put in front of its API servers yet", f.Kind)
		}
	}
}
