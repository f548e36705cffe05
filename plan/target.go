package plan

import (
	"fmt"
	"strings"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/consul"
	"github.com/chaos-election/chaos/targets/etcd"
	"github.com/chaos-election/chaos/targets/kubernetes"
	"github.com/chaos-election/chaos/targets/zookeeper"
)

// NewTarget returns the backend the plan names, with the plan's settings
// and access; an external plan's keys live under its prefix.
func (p Plan) NewTarget(access targets.Access) (targets.Target, error) {
	var t targets.Target
	root := ""
	if p.Cluster == ClusterExternal {
		root = p.External.Prefix
	}
	switch p.Target {
	case "etcd":
		t = etcd.New(etcd.Options{Root: root, Access: access})
	case "zookeeper":
		t = zookeeper.New(zookeeper.Options{Root: root, Access: access})
	case TargetKubernetes:
		tm := p.Timings()
		opts := kubernetes.Options{RenewDeadline: tm.RenewDeadline, RetryPeriod: tm.RetryPeriod}
		if p.Cluster == ClusterExternal {
			opts.Namespace, opts.Kubeconfig = p.External.Namespace, access.Kubeconfig
		}
		t = kubernetes.New(opts)
	case "consul":
		t = consul.New(consul.Options{Root: root, Access: access, LockDelay: max(p.Consul.LockDelay, consulMinLockDelay), Behavior: p.Consul.Behavior})
	default:
		return nil, fmt.Errorf("unknown target %q (known: %s)", p.Target, strings.Join(knownTargets, ", "))
	}
	return t, nil
}

// registerTarget is the plan's backend as the register workload sees it.
func registerTarget(p Plan) (targets.RegisterTarget, bool) {
	t, err := p.NewTarget(targets.Access{})
	if err != nil {
		return nil, false
	}
	rt, ok := t.(targets.RegisterTarget)
	return rt, ok
}

// consulMinLockDelay is what a lock-delay of 0 is sent as: Consul's client
// library leaves 0 out, and the server then applies its default of 15 s.
const consulMinLockDelay = 1e6 // 1 ms
