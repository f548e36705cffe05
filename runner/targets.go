package runner

import (
	"fmt"

	"github.com/chaos-election/chaos/targets"
	"github.com/chaos-election/chaos/targets/etcd"
)

// lookupTarget returns the backend a plan names.
func lookupTarget(p Plan) (targets.Target, error) {
	switch p.Target {
	case "etcd":
		return etcd.New(etcd.Options{}), nil
	}
	return nil, fmt.Errorf("unknown target %q (known: etcd)", p.Target)
}
