package plan

import (
	"fmt"
	"time"

	"github.com/chaos-election/chaos/tuning"
)

// Tuning is the backends' own timing settings of the plan, as compose
// starts the servers with them; zero fields are the compose files' own.
func (p Plan) Tuning() tuning.Settings {
	return tuning.Settings{
		Etcd:      p.Etcd,
		ZooKeeper: p.ZooKeeper,
		Consul:    tuning.Consul{RaftMultiplier: p.Consul.RaftMultiplier},
	}
}

// tuningFields are the plan's fields of the servers' own settings that
// are set, in the order of the file.
func (p Plan) tuningFields() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"etcd.heartbeat_interval", p.Etcd.HeartbeatInterval != 0},
		{"etcd.election_timeout", p.Etcd.ElectionTimeout != 0},
		{"zookeeper.tick_time", p.ZooKeeper.TickTime != 0},
		{"consul.raft_multiplier", p.Consul.RaftMultiplier != 0},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// checkTuning reports the servers' settings the target's servers would
// refuse or run differently, and any set on an external cluster, whose
// servers the harness neither starts nor configures. It reports whether
// the target's settings are sound (so that what follows from them can be
// checked).
func (p Plan) checkTuning(bad func(field, format string, args ...any)) bool {
	if p.Cluster == ClusterExternal {
		set := p.tuningFields()
		for _, f := range set {
			bad(f, "a setting of the servers themselves, which the harness does not start on cluster external: set it on the cluster, and leave it out of the plan")
		}
		return len(set) == 0
	}
	problems := p.Tuning().For(p.Target)
	for _, pr := range problems {
		bad(p.Target+"."+pr.Field, "%s", pr.Msg)
	}
	return len(problems) == 0
}

// checkSession reports a lease_ttl the target's servers would silently
// grant differently: etcd raises a lease under its minimum TTL to it,
// ZooKeeper clamps a session timeout into its bounds. Either would test
// another timeout than the plan asks for. The error is on lease_ttl,
// unless only the backend's setting was written down.
func (p Plan) checkSession(bad func(field, format string, args ...any)) {
	switch p.Target {
	case "etcd":
		if p.Cluster == ClusterExternal { // its timing is the cluster's own, unknown here
			return
		}
		e := p.Etcd
		if least := e.MinLeaseTTL(); p.LeaseTTL < least {
			bad(p.blame("lease_ttl", "etcd.election_timeout", "etcd.heartbeat_interval"),
				"etcd grants no lease shorter than %s with an election timeout of %s%s and a heartbeat interval of %s%s "+
					"(1.5 election timeouts, in whole seconds: etcdserver's minimum lease TTL), so a lease_ttl of %s would silently last %s; "+
					"make lease_ttl at least %s or etcd.election_timeout shorter",
				FormatDuration(least), FormatDuration(e.Election()), defaultMark(e.ElectionTimeout), FormatDuration(e.Heartbeat()),
				defaultMark(e.HeartbeatInterval), FormatDuration(p.LeaseTTL), FormatDuration(least), FormatDuration(least))
		}
	case "zookeeper":
		z := p.ZooKeeper
		lo, hi := z.SessionTimeouts()
		if p.LeaseTTL >= lo && p.LeaseTTL <= hi {
			return
		}
		bad(p.blame("lease_ttl", "zookeeper.tick_time"),
			"the ZooKeeper ensemble grants sessions of %s to %s with a tickTime of %s%s (minSessionTimeout 2 ticks, maxSessionTimeout 20 ticks but never under 1m) "+
				"and silently clamps a timeout outside them: a lease_ttl of %s would run as %s",
			FormatDuration(lo), FormatDuration(hi), FormatDuration(z.Tick()), defaultMark(z.TickTime),
			FormatDuration(p.LeaseTTL), FormatDuration(min(max(p.LeaseTTL, lo), hi)))
	}
}

// blame is the first of fields that the plan's file or flags set, or the
// first when none was.
func (p Plan) blame(fields ...string) string {
	for _, f := range fields {
		if _, ok := p.src[f]; ok {
			return f
		}
	}
	return fields[0]
}

// defaultMark marks a setting the plan left to the backend.
func defaultMark(set time.Duration) string {
	if set == 0 {
		return " (the default)"
	}
	return ""
}

// TuningSummary says the target's server settings in a line when the plan
// sets any, for the dry run: "etcd heartbeat interval 50ms, election
// timeout 500ms (etcd's defaults: 100ms, 1s)"; "" when it sets none.
func (p Plan) TuningSummary() string {
	switch p.Target {
	case "etcd":
		if p.Etcd == (tuning.Etcd{}) {
			return ""
		}
		return fmt.Sprintf("etcd heartbeat interval %s, election timeout %s (etcd's defaults: %s, %s)",
			FormatDuration(p.Etcd.Heartbeat()), FormatDuration(p.Etcd.Election()),
			FormatDuration(tuning.EtcdDefaultHeartbeat), FormatDuration(tuning.EtcdDefaultElection))
	case "zookeeper":
		if p.ZooKeeper == (tuning.ZooKeeper{}) {
			return ""
		}
		lo, hi := p.ZooKeeper.SessionTimeouts()
		return fmt.Sprintf("ZooKeeper tickTime %s (the ensemble's default: %s): initLimit %d and syncLimit %d ticks, sessions of %s to %s",
			FormatDuration(p.ZooKeeper.Tick()), FormatDuration(tuning.ZooKeeperDefaultTick),
			tuning.ZooKeeperInitLimit, tuning.ZooKeeperSyncLimit, FormatDuration(lo), FormatDuration(hi))
	case "consul":
		if p.Consul.RaftMultiplier == 0 {
			return ""
		}
		c := p.Tuning().Consul
		return fmt.Sprintf("Consul raft_multiplier %d (the compose file's default: %d): Raft election timeout %s, leader lease %s",
			c.Multiplier(), tuning.ConsulDefaultRaftMultiplier, FormatDuration(c.RaftElectionTimeout()), FormatDuration(c.RaftLeaderLeaseTimeout()))
	}
	return ""
}
