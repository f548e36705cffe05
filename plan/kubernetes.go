package plan

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/chaos-election/chaos/external/grant"
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
// recipe than its own and the register workload.
func (p Plan) checkKubernetes(bad func(field, format string, args ...any)) {
	if p.Kubernetes.APIServers != 0 {
		switch {
		case p.Target != TargetKubernetes:
			bad("kubernetes.apiservers", "only target kubernetes has API servers; the plan's target is %s", p.Target)
		case p.Cluster == ClusterExternal:
			bad("kubernetes.apiservers", "a setting of the cluster chaos starts: a staging cluster's API servers are its own (its kubeconfig names one)")
		case p.Kubernetes.APIServers < 1 || p.Kubernetes.APIServers > MaxAPIServers:
			bad("kubernetes.apiservers", "want 1 to %d, got %d", MaxAPIServers, p.Kubernetes.APIServers)
		}
	}
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
	if p.RegisterWorkload() {
		bad("workload", "target kubernetes has no register client: use workload election")
	}
}

// checkExternalKubernetes checks a staging Kubernetes cluster: a
// kubeconfig and a namespace, none of the settings of the other targets'
// external clusters (the kubeconfig says how to connect), and faults on
// the client side, or a pause or kill of its API server that commands
// grant: chaos reaches such a cluster only through its API server.
func (p Plan) checkExternalKubernetes(bad func(field, format string, args ...any)) {
	e := p.External
	if e.Kubeconfig == "" {
		bad("external.kubeconfig", "missing: target kubernetes on cluster external connects with a kubeconfig file (the one kubectl uses for the staging cluster)")
	}
	switch {
	case e.Namespace == "":
		bad("external.namespace", "missing: name the namespace the candidates' Lease goes in (it must exist; the run refuses one holding Leases, unless --reuse, and removes the Leases in it at the end)")
	case !dnsLabel.MatchString(e.Namespace):
		bad("external.namespace", "%q is not a Kubernetes namespace name (lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit)", e.Namespace)
	}
	if p.Nodes < 1 {
		bad("nodes", "target kubernetes on cluster external runs nodes candidates: want at least 1, got %d", p.Nodes)
	}
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"nodes", len(e.Nodes) > 0}, {"prefix", e.Prefix != ""}, {"docker", e.Docker},
		{"tls", e.TLS != (TLS{})}, {"auth", e.Auth != (Auth{})},
	} {
		if f.set {
			bad("external."+f.name, "is not read on a staging Kubernetes cluster: the kubeconfig says where its API server is and how to authenticate, "+
				"the candidates are n1..n<nodes>, their Lease lives in external.namespace, and faults are the client side's (and the API server's, by external.commands)")
		}
	}
	for kind := range e.Commands {
		if kind != grant.FaultPause && kind != grant.FaultKill {
			bad("external.commands."+kind, "on a staging Kubernetes cluster commands grant only pause and kill of its API server (victim apiserver; {node} is apiserver, {host} and {endpoint} the kubeconfig's server)")
		}
	}
	p.checkCommands(bad)
	for i, f := range p.Nemesis.Faults {
		field := fmt.Sprintf("nemesis.faults[%d]", i)
		switch {
		case f.Victim == nemesis.VictimAPIServer:
			if grant.Grant(f.Kind, e.Commands, false) == "" {
				bad(field+".kind", "%s of the API server is not granted on this staging cluster: give external.commands.%s (a start and a heal, e.g. over ssh to the control plane)", f.Kind, f.Kind)
			}
		case slices.Contains(grant.NodeFaults, f.Kind) || nemesis.IsNodeLinkFault(f.Kind) || f.Kind == "flaky" || f.NodeClock():
			bad(field+".kind", "%s acts on the cluster's nodes, which chaos does not reach on a staging Kubernetes cluster: use the client side's faults (%s), or victim apiserver with external.commands",
				f.Kind, strings.Join(linkFaultKinds(), ", "))
		}
	}
}

// MaxAPIServers is the most kube-apiservers a plan may start.
const MaxAPIServers = 9

// APIServers is how many kube-apiservers the plan's cluster has in front
// of its etcd members: 0 off target kubernetes or on a staging cluster.
func (p Plan) APIServers() int {
	if p.Target != TargetKubernetes || p.Cluster == ClusterExternal {
		return 0
	}
	return max(p.Kubernetes.APIServers, 1)
}

// dnsLabel is a Kubernetes namespace name (an RFC 1123 label).
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
