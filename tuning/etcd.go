package tuning

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// etcd's own defaults and limits, as go.etcd.io/etcd/server/v3 v3.6.16
// has them: embed.NewConfig sets TickMs 100 and ElectionMs 1000
// (embed/config.go), and embed.Config.Validate refuses
//
//	cfg.TickMs == 0       "--heartbeat-interval must be >0"
//	cfg.ElectionMs == 0   "--election-timeout must be >0"
//	5*cfg.TickMs > cfg.ElectionMs
//	                      "--election-timeout[%vms] should be at least as 5 times as --heartbeat-interval[%vms]"
//	cfg.ElectionMs > maxElectionMs (50000)
//	                      "--election-timeout[%vms] is too long, and should be set less than %vms"
//
// Both flags are whole milliseconds (uint flags), so a heartbeat is at
// least 1 ms.
const (
	EtcdDefaultHeartbeat = 100 * time.Millisecond
	EtcdDefaultElection  = time.Second
	EtcdMaxElection      = 50 * time.Second
	etcdElectionPerBeat  = 5
)

// Etcd is the timing of etcd's Raft: how often the leader sends a
// heartbeat (--heartbeat-interval) and how long a follower waits without
// one before it campaigns (--election-timeout). Zero is etcd's default,
// which the compose file keeps (it passes neither flag).
type Etcd struct {
	HeartbeatInterval time.Duration
	ElectionTimeout   time.Duration
}

// Heartbeat is the heartbeat interval in force: the set one or etcd's
// default.
func (e Etcd) Heartbeat() time.Duration {
	if e.HeartbeatInterval == 0 {
		return EtcdDefaultHeartbeat
	}
	return e.HeartbeatInterval
}

// Election is the election timeout in force: the set one or etcd's
// default.
func (e Etcd) Election() time.Duration {
	if e.ElectionTimeout == 0 {
		return EtcdDefaultElection
	}
	return e.ElectionTimeout
}

// Flags are the command-line flags of the set values, in etcd's
// milliseconds: none when neither is set.
func (e Etcd) Flags() []string {
	var out []string
	if e.HeartbeatInterval != 0 {
		out = append(out, "--heartbeat-interval="+strconv.FormatInt(millis(e.HeartbeatInterval), 10))
	}
	if e.ElectionTimeout != 0 {
		out = append(out, "--election-timeout="+strconv.FormatInt(millis(e.ElectionTimeout), 10))
	}
	return out
}

// MinLeaseTTL is the shortest lease etcd grants with these timings: a
// lease asked for with a shorter TTL is silently given this one.
// etcdserver.NewServer (server/etcdserver/server.go) sets the lessor's
// MinLeaseTTL to ceil(((3 × ElectionTicks) / 2) × heartbeat) in seconds,
// ElectionTicks being election / heartbeat rounded down
// (embed.Config.ElectionTicks): 2 s with etcd's defaults.
func (e Etcd) MinLeaseTTL() time.Duration {
	hb := e.Heartbeat()
	if hb <= 0 {
		return 0
	}
	ticks := int64(e.Election() / hb)
	minTTL := time.Duration((3*ticks)/2) * hb
	return time.Duration(math.Ceil(minTTL.Seconds())) * time.Second
}

// Problems are the values etcd would refuse to start with, or would run
// differently from what was asked: not whole milliseconds, an election
// timeout under 5 heartbeats or over 50 s, or one that is not a whole
// number of heartbeats (etcd counts it in heartbeats, rounding down: 1050
// ms with a 100 ms heartbeat runs as 1 s). A check of the pair is
// reported on the field that was set.
func (e Etcd) Problems() []Problem {
	var out []Problem
	bad := func(field, format string, args ...any) {
		out = append(out, Problem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	ok := true
	for _, f := range []struct {
		name string
		d    time.Duration
	}{{"heartbeat_interval", e.HeartbeatInterval}, {"election_timeout", e.ElectionTimeout}} {
		switch {
		case f.d < 0:
			bad(f.name, "must not be negative, got %s (leave it out for etcd's default)", dur(f.d))
			ok = false
		case !wholeMillis(f.d):
			bad(f.name, "etcd takes whole milliseconds (at least 1ms), got %s", dur(f.d))
			ok = false
		}
	}
	if !ok {
		return out
	}
	hb, el := e.Heartbeat(), e.Election()
	pair := "election_timeout"
	if e.ElectionTimeout == 0 {
		pair = "heartbeat_interval"
	}
	switch {
	case el > EtcdMaxElection:
		bad("election_timeout", "etcd refuses an election timeout over %s (embed.Config.Validate), got %s", dur(EtcdMaxElection), dur(el))
	case el < etcdElectionPerBeat*hb:
		bad(pair, "etcd refuses an election timeout under %d heartbeats (embed.Config.Validate): election timeout %s%s, heartbeat interval %s%s",
			etcdElectionPerBeat, dur(el), defaultNote(e.ElectionTimeout), dur(hb), defaultNote(e.HeartbeatInterval))
	case el%hb != 0:
		bad(pair, "etcd counts the election timeout in heartbeats, rounding down: %s with a heartbeat interval of %s would run as %s; make it a multiple",
			dur(el), dur(hb), dur((el/hb)*hb))
	}
	return out
}

// defaultNote marks a value the plan left to the backend.
func defaultNote(set time.Duration) string {
	if set == 0 {
		return " (the default)"
	}
	return ""
}
