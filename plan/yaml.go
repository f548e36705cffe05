package plan

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/chaos-election/chaos/netfault"
	"go.yaml.in/yaml/v3"
)

// YAML is the plan written out in the format [LoadPlan] reads, every field
// present, seed included: saved as plan.yaml in the run directory, it
// replays the run (`chaos run --config runs/latest/plan.yaml`).
func (p Plan) YAML() ([]byte, error) {
	faults := &yaml.Node{Kind: yaml.SequenceNode}
	for _, f := range p.Nemesis.Faults {
		m := mapNode(yaml.FlowStyle)
		add(m, "kind", strNode(f.Kind))
		if f.Shape != "" {
			add(m, "shape", strNode(f.Shape))
		}
		if f.Victim != "" {
			add(m, "victim", strNode(f.Victim))
		}
		add(m, "duration", durNode(f.Duration))
		if f.Delay != 0 {
			add(m, "delay", durNode(f.Delay))
		}
		if f.Jitter != 0 {
			add(m, "jitter", durNode(f.Jitter))
		}
		if f.Loss != 0 {
			add(m, "loss", numNode(f.Loss))
		}
		if f.Offset != 0 {
			add(m, "offset", durNode(f.Offset))
		}
		if f.Rate != 0 {
			add(m, "rate", numNode(f.Rate))
		}
		if f.Clock != "" {
			add(m, "clock", strNode(f.Clock))
		}
		if f.Direction != "" {
			add(m, "direction", strNode(f.Direction))
		}
		if f.Period != 0 {
			add(m, "period", durNode(f.Period))
		}
		if f.Bandwidth != 0 {
			add(m, "bandwidth", strNode(netfault.FormatRate(f.Bandwidth)))
		}
		faults.Content = append(faults.Content, m)
	}
	if len(faults.Content) == 0 {
		faults.Style = yaml.FlowStyle // "faults: []"
	}

	nem := mapNode(0)
	add(nem, "interval", durNode(p.Nemesis.Interval))
	add(nem, "faults", faults)

	checks := mapNode(0)
	add(checks, "min_ops", intNode(int64(p.Checks.MinOps)))
	add(checks, "allow_no_faults", boolNode(p.Checks.AllowNoFaults))
	add(checks, "max_no_leader", durNode(p.Checks.MaxNoLeader))
	add(checks, "max_failover", durNode(p.Checks.MaxFailover))
	add(checks, "max_elections_per_minute", numNode(p.Checks.MaxElectionsPerMinute))
	unset := addCountLimit(checks, "max_false_failovers", p.Checks.MaxFalseFailovers)
	add(checks, "linearizable_timeout", durNode(p.Checks.LinearizableTimeout))
	checks.Content[len(checks.Content)-2].HeadComment = unset

	root := mapNode(0)
	add(root, "name", strNode(p.Name))
	add(root, "target", strNode(p.Target))
	add(root, "nodes", intNode(int64(p.Nodes)))
	add(root, "cluster", strNode(p.Cluster))
	if ext := p.externalYAML(); ext != nil {
		add(root, "external", ext)
	}
	add(root, "workload", strNode(p.Workload))
	add(root, "resource", strNode(p.Resource))
	add(root, "strict", boolNode(p.Strict))
	add(root, "duration", durNode(p.Duration))
	add(root, "recovery", durNode(p.Recovery))
	seed := intNode(p.Seed)
	if p.Seed == 0 {
		seed.LineComment = "0: a new seed each run"
	}
	add(root, "seed", seed)
	add(root, "lease_ttl", durNode(p.LeaseTTL))
	add(root, "write_every", durNode(p.WriteEvery))
	add(root, "recipe", strNode(p.Recipe))
	if p.LeaseRecipe() || p.Lease != (Lease{}) {
		l := mapNode(0)
		add(l, "renew_every", durNode(p.Lease.RenewEvery))
		add(l, "renew_deadline", durNode(p.Lease.RenewDeadline))
		add(l, "retry_period", durNode(p.Lease.RetryPeriod))
		add(root, "lease", l)
	}
	add(root, "nemesis", nem)
	add(root, "checks", checks)
	// The servers' own settings only when set: unset, the compose files'.
	if e := p.Etcd; e.HeartbeatInterval != 0 || e.ElectionTimeout != 0 {
		etcd := mapNode(0)
		if e.HeartbeatInterval != 0 {
			add(etcd, "heartbeat_interval", durNode(e.HeartbeatInterval))
		}
		if e.ElectionTimeout != 0 {
			add(etcd, "election_timeout", durNode(e.ElectionTimeout))
		}
		add(root, "etcd", etcd)
	}
	if p.ZooKeeper.TickTime != 0 {
		zk := mapNode(0)
		add(zk, "tick_time", durNode(p.ZooKeeper.TickTime))
		add(root, "zookeeper", zk)
	}
	if p.Target == "consul" || p.Consul != Default().Consul {
		consul := mapNode(0)
		add(consul, "lock_delay", durNode(p.Consul.LockDelay))
		add(consul, "behavior", strNode(p.Consul.Behavior))
		if p.Consul.RaftMultiplier != 0 {
			add(consul, "raft_multiplier", intNode(int64(p.Consul.RaftMultiplier)))
		}
		add(root, "consul", consul)
	}
	if p.Kubernetes != (Kubernetes{}) {
		k := mapNode(0)
		add(k, "apiservers", intNode(int64(p.Kubernetes.APIServers)))
		add(root, "kubernetes", k)
	}

	if p.RegisterWorkload() || p.Register != Default().Register {
		reg := mapNode(0)
		add(reg, "read_mode", strNode(p.Register.ReadMode))
		add(reg, "keys", intNode(int64(p.Register.Keys)))
		add(reg, "clients_per_node", intNode(int64(p.Register.ClientsPerNode)))
		add(reg, "every", durNode(p.Register.Every))
		add(root, "register", reg)
	}

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	return buf.Bytes(), nil
}

func mapNode(style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: style}
}

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, strNode(key), v)
}

func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func intNode(v int64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v, 10)}
}

// numNode writes a whole number as an integer ("0", not "!!float 0").
func numNode(v float64) *yaml.Node {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return intNode(int64(v))
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'g', -1, 64)}
}

func boolNode(v bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
}

func durNode(d time.Duration) *yaml.Node {
	return strNode(FormatDuration(d))
}

// FormatDuration is d as a Go duration without trailing zero units:
// "1m" rather than "1m0s", "1h" rather than "1h0m0s".
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
