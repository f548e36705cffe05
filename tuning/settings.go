package tuning

import (
	"fmt"
	"strings"
	"time"
)

// Settings are the timing settings of the servers of one cluster, per
// backend; only the target's are read.
type Settings struct {
	Etcd      Etcd
	ZooKeeper ZooKeeper
	Consul    Consul
}

// IsZero reports whether no setting is set: the servers run as the
// compose files configure them.
func (s Settings) IsZero() bool { return s == Settings{} }

// For returns the problems of target's settings; the other backends'
// settings are not read.
func (s Settings) For(target string) []Problem {
	switch target {
	case "etcd", "kubernetes": // kubernetes: etcd members behind API servers
		return s.Etcd.Problems()
	case "zookeeper":
		return s.ZooKeeper.Problems()
	case "consul":
		return s.Consul.Problems()
	}
	return nil
}

// ElectionTime is about how long target's servers take to elect a leader
// once they can talk: etcd's election timeout, ZooKeeper's initLimit in
// ticks, Consul's Raft election timeout. A cluster's first election can
// take twice as long (randomized timeouts, a vote that splits).
func (s Settings) ElectionTime(target string) time.Duration {
	switch target {
	case "etcd", "kubernetes":
		return s.Etcd.Election()
	case "zookeeper":
		return ZooKeeperInitLimit * s.ZooKeeper.Tick()
	case "consul":
		return s.Consul.RaftElectionTimeout()
	}
	return 0
}

// Problem is one setting the backend would refuse, or would silently
// apply differently from what was asked.
type Problem struct {
	// Field is the setting in the plan's spelling, without the backend's
	// section: "election_timeout".
	Field string
	// Msg says what is wrong and what the backend accepts.
	Msg string
}

func (p Problem) Error() string { return fmt.Sprintf("%s: %s", p.Field, p.Msg) }

// wholeMillis reports whether d can be written in whole milliseconds, as
// etcd's flags and zoo.cfg take it.
func wholeMillis(d time.Duration) bool { return d%time.Millisecond == 0 }

// millis is d in whole milliseconds.
func millis(d time.Duration) int64 { return int64(d / time.Millisecond) }

// dur is d as the plan writes durations: "1m", not "1m0s".
func dur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	return s
}
