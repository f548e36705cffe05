package tuning

import (
	"slices"
	"strings"
	"testing"
	"time"
)

const ms = time.Millisecond

func TestEtcdDefaultsAndFlags(t *testing.T) {
	var e Etcd
	if e.Heartbeat() != 100*ms || e.Election() != time.Second || e.Flags() != nil || e.Problems() != nil {
		t.Fatalf("zero Etcd: heartbeat %s election %s flags %v problems %v", e.Heartbeat(), e.Election(), e.Flags(), e.Problems())
	}
	e = Etcd{HeartbeatInterval: 50 * ms, ElectionTimeout: 750 * ms}
	if got := e.Flags(); !slices.Equal(got, []string{"--heartbeat-interval=50", "--election-timeout=750"}) {
		t.Errorf("flags %v", got)
	}
	if got := (Etcd{ElectionTimeout: 2 * time.Second}).Flags(); !slices.Equal(got, []string{"--election-timeout=2000"}) {
		t.Errorf("election alone: flags %v", got)
	}
}

// etcdserver's lessor: ceil(((3 × ticks) / 2) × heartbeat) seconds.
func TestEtcdMinLeaseTTL(t *testing.T) {
	for _, tc := range []struct {
		e    Etcd
		want time.Duration
	}{
		{Etcd{}, 2 * time.Second},                      // 15 × 100ms = 1.5s → 2s
		{Etcd{ElectionTimeout: 500 * ms}, time.Second}, // 7 × 100ms = 0.7s → 1s
		{Etcd{HeartbeatInterval: 200 * ms, ElectionTimeout: 2 * time.Second}, 3 * time.Second}, // 15 × 200ms = 3s
		{Etcd{ElectionTimeout: 5 * time.Second}, 8 * time.Second},                              // 75 × 100ms = 7.5s → 8s
		{Etcd{HeartbeatInterval: 300 * ms, ElectionTimeout: 1500 * ms}, 3 * time.Second},       // (15/2=7) × 300ms = 2.1s → 3s
	} {
		if got := tc.e.MinLeaseTTL(); got != tc.want {
			t.Errorf("%+v: min lease TTL %s, want %s", tc.e, got, tc.want)
		}
	}
}

func TestEtcdProblems(t *testing.T) {
	for _, tc := range []struct {
		e           Etcd
		field, want string
	}{
		{Etcd{HeartbeatInterval: -ms}, "heartbeat_interval", "must not be negative"},
		{Etcd{HeartbeatInterval: 1500 * time.Microsecond}, "heartbeat_interval", "whole milliseconds"},
		{Etcd{ElectionTimeout: 400 * ms}, "election_timeout", "under 5 heartbeats (embed.Config.Validate): election timeout 400ms, heartbeat interval 100ms (the default)"},
		{Etcd{HeartbeatInterval: 300 * ms}, "heartbeat_interval", "election timeout 1s (the default), heartbeat interval 300ms"},
		{Etcd{ElectionTimeout: 51 * time.Second}, "election_timeout", "over 50s"},
		{Etcd{ElectionTimeout: 1050 * ms}, "election_timeout", "1.05s with a heartbeat interval of 100ms would run as 1s"},
		{Etcd{HeartbeatInterval: 150 * ms}, "heartbeat_interval", "would run as 900ms"},
	} {
		ps := tc.e.Problems()
		if len(ps) != 1 || ps[0].Field != tc.field || !strings.Contains(ps[0].Msg, tc.want) {
			t.Errorf("%+v: %v, want one problem of %s with %q", tc.e, ps, tc.field, tc.want)
		}
	}
	for _, ok := range []Etcd{
		{HeartbeatInterval: ms, ElectionTimeout: 5 * ms},
		{HeartbeatInterval: 10 * time.Second, ElectionTimeout: 50 * time.Second},
		{ElectionTimeout: 500 * ms},
		{HeartbeatInterval: 200 * ms},
	} {
		if ps := ok.Problems(); ps != nil {
			t.Errorf("%+v: %v, want none", ok, ps)
		}
	}
}

func TestZooKeeperSessionTimeouts(t *testing.T) {
	for _, tc := range []struct {
		tick, lo, hi time.Duration
	}{
		{0, time.Second, time.Minute},                   // the shipped ensemble: 1000 and 60000
		{200 * ms, 400 * ms, time.Minute},               // 20 ticks = 4s, raised to 60s
		{2 * time.Second, 4 * time.Second, time.Minute}, // 20 ticks = 40s, raised to 60s
		{5 * time.Second, 10 * time.Second, 100 * time.Second},
	} {
		lo, hi := ZooKeeper{TickTime: tc.tick}.SessionTimeouts()
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("tick %s: sessions %s..%s, want %s..%s", tc.tick, lo, hi, tc.lo, tc.hi)
		}
	}
	if ps := (ZooKeeper{TickTime: 2500 * time.Microsecond}).Problems(); len(ps) != 1 || !strings.Contains(ps[0].Msg, "whole milliseconds") {
		t.Errorf("2.5ms tick: %v", ps)
	}
	if ps := (ZooKeeper{TickTime: 2 * time.Minute}).Problems(); len(ps) != 1 || !strings.Contains(ps[0].Msg, "at most 1m, got 2m") {
		t.Errorf("2m tick: %v", ps)
	}
	if ps := (ZooKeeper{TickTime: time.Second}).Problems(); ps != nil {
		t.Errorf("1s tick: %v", ps)
	}
}

func TestConsulMultiplier(t *testing.T) {
	if c := (Consul{}); c.Multiplier() != 1 || c.RaftElectionTimeout() != time.Second || c.RaftLeaderLeaseTimeout() != 500*ms {
		t.Errorf("zero Consul: %d, %s, %s", c.Multiplier(), c.RaftElectionTimeout(), c.RaftLeaderLeaseTimeout())
	}
	if c := (Consul{RaftMultiplier: 5}); c.RaftElectionTimeout() != 5*time.Second || c.RaftHeartbeatTimeout() != 5*time.Second || c.RaftLeaderLeaseTimeout() != 2500*ms {
		t.Errorf("multiplier 5: %s %s %s", c.RaftElectionTimeout(), c.RaftHeartbeatTimeout(), c.RaftLeaderLeaseTimeout())
	}
	for _, m := range []int{-1, 11} {
		if ps := (Consul{RaftMultiplier: m}).Problems(); len(ps) != 1 || ps[0].Field != "raft_multiplier" || !strings.Contains(ps[0].Msg, "1 to 10") {
			t.Errorf("multiplier %d: %v", m, ps)
		}
	}
	if ps := (Consul{RaftMultiplier: 10}).Problems(); ps != nil {
		t.Errorf("multiplier 10: %v", ps)
	}
}

func TestSettingsPerTarget(t *testing.T) {
	s := Settings{Etcd: Etcd{ElectionTimeout: 100 * ms}, Consul: Consul{RaftMultiplier: 3}, ZooKeeper: ZooKeeper{TickTime: 2 * time.Second}}
	if len(s.For("etcd")) != 1 || s.For("consul") != nil || s.For("zookeeper") != nil {
		t.Errorf("problems per target: etcd %v consul %v zookeeper %v", s.For("etcd"), s.For("consul"), s.For("zookeeper"))
	}
	if s.ElectionTime("zookeeper") != 20*time.Second || s.ElectionTime("consul") != 3*time.Second || s.ElectionTime("etcd") != 100*ms {
		t.Errorf("election times %s %s %s", s.ElectionTime("zookeeper"), s.ElectionTime("consul"), s.ElectionTime("etcd"))
	}
	if s.IsZero() || !(Settings{}).IsZero() {
		t.Error("IsZero")
	}
}
