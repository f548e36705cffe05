package runner

import (
	"fmt"
	"strings"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/consul"
	"github.com/chaos-election/chaos/targets/etcd"
	"github.com/chaos-election/chaos/targets/zookeeper"
)

// lookupTarget returns the backend a plan names, with the plan's settings.
func lookupTarget(p Plan) (targets.Target, error) {
	switch p.Target {
	case "etcd":
		return etcd.New(etcd.Options{}), nil
	case "zookeeper":
		return zookeeper.New(zookeeper.Options{}), nil
	case "consul":
		return consul.New(consul.Options{LockDelay: max(p.Consul.LockDelay, consulMinLockDelay), Behavior: p.Consul.Behavior}), nil
	}
	return nil, fmt.Errorf("unknown target %q (known: %s)", p.Target, strings.Join(knownTargets, ", "))
}

// registerTarget is the plan's backend as the register workload sees it.
func registerTarget(p Plan) (targets.RegisterTarget, bool) {
	t, err := lookupTarget(p)
	if err != nil {
		return nil, false
	}
	rt, ok := t.(targets.RegisterTarget)
	return rt, ok
}

// consulMinLockDelay is what a lock-delay of 0 is sent as: Consul's client
// library leaves 0 out, and the server then applies its default of 15 s.
const consulMinLockDelay = 1e6 // 1 ms
