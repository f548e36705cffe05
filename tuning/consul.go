package tuning

import (
	"fmt"
	"time"
)

// Consul's Raft multiplier, as github.com/hashicorp/consul v1.22.7 has
// it: agent/config/builder.go refuses
//
//	performanceRaftMultiplier < 1 || uint(performanceRaftMultiplier) > consul.MaxRaftMultiplier
//	"performance.raft_multiplier cannot be %d. Must be between 1 and %d"
//
// with MaxRaftMultiplier 10 (agent/consul/config.go), and multiplies
// hashicorp/raft's default timeouts by it: election and heartbeat 1 s,
// leader lease 500 ms. Consul defaults to 5 (its development setting);
// the compose file has always set 1, HashiCorp's production setting.
const (
	ConsulDefaultRaftMultiplier = 1
	ConsulMaxRaftMultiplier     = 10
	raftElectionTimeout         = time.Second
	raftHeartbeatTimeout        = time.Second
	raftLeaderLeaseTimeout      = 500 * time.Millisecond
)

// Consul is the servers' performance.raft_multiplier, which scales every
// Raft timeout. Zero is the compose file's 1.
type Consul struct {
	RaftMultiplier int
}

// Multiplier is the multiplier in force.
func (c Consul) Multiplier() int {
	if c.RaftMultiplier == 0 {
		return ConsulDefaultRaftMultiplier
	}
	return c.RaftMultiplier
}

// RaftElectionTimeout, RaftHeartbeatTimeout and RaftLeaderLeaseTimeout
// are the Raft timeouts the multiplier gives, as Consul reports them
// (ConsulRaftElectionTimeout, ... in /v1/agent/self's DebugConfig).
func (c Consul) RaftElectionTimeout() time.Duration {
	return time.Duration(c.Multiplier()) * raftElectionTimeout
}

func (c Consul) RaftHeartbeatTimeout() time.Duration {
	return time.Duration(c.Multiplier()) * raftHeartbeatTimeout
}

func (c Consul) RaftLeaderLeaseTimeout() time.Duration {
	return time.Duration(c.Multiplier()) * raftLeaderLeaseTimeout
}

// Problems are the multipliers Consul refuses to start with.
func (c Consul) Problems() []Problem {
	if m := c.RaftMultiplier; m != 0 && (m < 1 || m > ConsulMaxRaftMultiplier) {
		return []Problem{{Field: "raft_multiplier", Msg: fmt.Sprintf("Consul takes 1 to %d (agent/config/builder.go), got %d", ConsulMaxRaftMultiplier, m)}}
	}
	return nil
}
