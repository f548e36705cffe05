package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PlanFlag is a command-line flag of `chaos run` that sets one plan field.
type Flag struct {
	// Name is the flag without dashes: "lease-ttl".
	Name string
	// Field is the plan field it sets, in YAML spelling: "lease_ttl".
	Field string
	// Usage is the flag's help text.
	Usage string
}

// planFlag is a PlanFlag with the setter that parses its value.
type planFlag struct {
	Flag
	set func(p *Plan, v string) error
}

func planFlagTable() []planFlag {
	str := func(out func(*Plan) *string) func(*Plan, string) error {
		return func(p *Plan, v string) error { *out(p) = v; return nil }
	}
	dur := func(out func(*Plan) *time.Duration) func(*Plan, string) error {
		return func(p *Plan, v string) error {
			d, err := parseDuration(v)
			if err == nil {
				*out(p) = d
			}
			return err
		}
	}
	return []planFlag{
		{Flag{"name", "name", "run name: results go to runs/NAME/TIME/"},
			str(func(p *Plan) *string { return &p.Name })},
		{Flag{"target", "target", "backend: " + strings.Join(knownTargets, ", ")},
			func(p *Plan, v string) error { p.SetTarget(v); return nil }},
		{Flag{"nodes", "nodes", fmt.Sprintf("cluster size, 1 to %d", maxNodes)},
			func(p *Plan, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil {
					return fmt.Errorf("want an integer, got %q", v)
				}
				p.Nodes = n
				return nil
			}},
		{Flag{"workload", "workload", "what the clients do: " + strings.Join(knownWorkloads, ", ")},
			func(p *Plan, v string) error { p.setWorkload(v); return nil }},
		{Flag{"read-mode", "register.read_mode", "register reads: etcd linearizable|serializable, zookeeper sync|plain, consul consistent|default|stale"},
			str(func(p *Plan) *string { return &p.Register.ReadMode })},
		{Flag{"keys", "register.keys", "register keys the clients spread their ops over"},
			func(p *Plan, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil {
					return fmt.Errorf("want an integer, got %q", v)
				}
				p.Register.Keys = n
				return nil
			}},
		{Flag{"resource", "resource", "how the shared resource treats writes: " + strings.Join(knownResources, ", ")},
			str(func(p *Plan) *string { return &p.Resource })},
		{Flag{"strict", "strict", "fail on every leadership overlap, even one whose stale side was fenced off"},
			func(p *Plan, v string) error {
				b, err := strconv.ParseBool(v)
				if err != nil {
					return fmt.Errorf("want true or false, got %q", v)
				}
				p.Strict = b
				return nil
			}},
		{Flag{"duration", "duration", "time with faults, e.g. 60s or 5m"},
			dur(func(p *Plan) *time.Duration { return &p.Duration })},
		{Flag{"recovery", "recovery", "time after healing every fault, before the final checks"},
			dur(func(p *Plan) *time.Duration { return &p.Recovery })},
		{Flag{"seed", "seed", "seed of the fault schedule; 0 picks one (written to the run directory)"},
			func(p *Plan, v string) error {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return fmt.Errorf("want an integer, got %q", v)
				}
				p.Seed = n
				return nil
			}},
		{Flag{"lease-ttl", "lease_ttl", "session / lease TTL of the candidates (the lease duration of the lease recipes)"},
			dur(func(p *Plan) *time.Duration { return &p.LeaseTTL })},
		{Flag{"recipe", "recipe", "how the candidates elect: " + strings.Join(knownRecipes, ", ")},
			str(func(p *Plan) *string { return &p.Recipe })},
		{Flag{"etcd-heartbeat-interval", "etcd.heartbeat_interval", "etcd's --heartbeat-interval (whole ms; unset: etcd's 100ms)"},
			dur(func(p *Plan) *time.Duration { return &p.Etcd.HeartbeatInterval })},
		{Flag{"etcd-election-timeout", "etcd.election_timeout", "etcd's --election-timeout: 5 or more whole heartbeats, at most 50s (unset: etcd's 1s)"},
			dur(func(p *Plan) *time.Duration { return &p.Etcd.ElectionTimeout })},
		{Flag{"zookeeper-tick-time", "zookeeper.tick_time", "ZooKeeper's tickTime (whole ms; unset: 500ms); lease_ttl must be 2 ticks to 20 ticks or 1m, whichever is longer"},
			dur(func(p *Plan) *time.Duration { return &p.ZooKeeper.TickTime })},
		{Flag{"consul-raft-multiplier", "consul.raft_multiplier", "Consul's performance.raft_multiplier, 1 to 10 (unset: 1)"},
			func(p *Plan, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil {
					return fmt.Errorf("want an integer, got %q", v)
				}
				p.Consul.RaftMultiplier = n
				return nil
			}},
		{Flag{"consul-lock-delay", "consul.lock_delay", "Consul sessions' lock-delay"},
			dur(func(p *Plan) *time.Duration { return &p.Consul.LockDelay })},
		{Flag{"consul-behavior", "consul.behavior", "Consul sessions' behavior: " + strings.Join(knownBehaviors, ", ")},
			str(func(p *Plan) *string { return &p.Consul.Behavior })},
	}
}

// PlanFlags lists the flags [Plan.SetFlag] understands, for a command to
// declare.
func Flags() []Flag {
	t := planFlagTable()
	out := make([]Flag, len(t))
	for i, f := range t {
		out[i] = f.Flag
	}
	return out
}

// SetFlag sets the plan field of the command-line flag name (without
// dashes, as in [PlanFlags]) from its text value, as a flag parser prints
// it ("5", "1m0s", "true"). The flag is remembered as the field's origin,
// so that [Plan.Validate] names it. A value that does not parse is a
// [PlanError]; a flag name not in [PlanFlags] is a plain error (the
// caller's bug).
func (p *Plan) SetFlag(name, value string) error {
	for _, f := range planFlagTable() {
		if f.Name != name {
			continue
		}
		if err := f.set(p, value); err != nil {
			return &Error{Flag: "--" + name, Field: f.Field, Msg: err.Error()}
		}
		p.setOrigin(f.Field, origin{flag: "--" + name})
		return nil
	}
	return fmt.Errorf("set plan from flag: no plan flag --%s", name)
}
