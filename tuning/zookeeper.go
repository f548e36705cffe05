package tuning

import (
	"fmt"
	"time"
)

// The ZooKeeper ensemble of the compose file: tickTime 500 ms unless a
// plan sets it; initLimit and syncLimit stay in ticks (10 and 4), so they
// scale with it.
const (
	ZooKeeperDefaultTick = 500 * time.Millisecond
	ZooKeeperInitLimit   = 10 // ticks a follower has to connect and sync with a new leader
	ZooKeeperSyncLimit   = 4  // ticks a follower may lag behind the leader
	// ZooKeeperMaxTick bounds tick_time: ZooKeeper takes any positive
	// tick, but its session bounds (20 ticks) are 32-bit milliseconds,
	// and a minute-long tick is no election test.
	ZooKeeperMaxTick = time.Minute
	// zkSessionCeiling is the longest session the shipped ensemble has
	// always granted (maxSessionTimeout=60000 with its 500 ms tick).
	zkSessionCeiling = 60 * time.Second
)

// ZooKeeper is the ensemble's tickTime: its unit of time, in which
// sessions expire (the leader's session tracker works in ticks), followers
// sync (initLimit, syncLimit) and the session timeouts a client may
// negotiate are bounded ([ZooKeeper.SessionTimeouts]). Zero is the
// compose file's 500 ms.
type ZooKeeper struct {
	TickTime time.Duration
}

// Tick is the tickTime in force.
func (z ZooKeeper) Tick() time.Duration {
	if z.TickTime == 0 {
		return ZooKeeperDefaultTick
	}
	return z.TickTime
}

// SessionTimeouts are the shortest and longest session timeouts the
// ensemble grants: the compose file sets minSessionTimeout and
// maxSessionTimeout to these. ZooKeeper clamps the timeout a client asks
// for into them without an error (ZooKeeperServer.processConnectRequest:
// below minSessionTimeout it is raised to it, above maxSessionTimeout
// lowered to it), and defaults them to 2 and 20 ticks
// (ZooKeeperServer.getMinSessionTimeout, getMaxSessionTimeout). The
// ensemble keeps ZooKeeper's 2 ticks as the floor, and raises the ceiling
// to 60 s where 20 ticks are less, as it always has: 1 s to 60 s with the
// default tick.
func (z ZooKeeper) SessionTimeouts() (lo, hi time.Duration) {
	t := z.Tick()
	return 2 * t, max(20*t, zkSessionCeiling)
}

// Problems are the tick times ZooKeeper would refuse, or the compose
// file cannot write: zoo.cfg takes whole milliseconds.
func (z ZooKeeper) Problems() []Problem {
	bad := func(format string, args ...any) []Problem {
		return []Problem{{Field: "tick_time", Msg: fmt.Sprintf(format, args...)}}
	}
	switch t := z.TickTime; {
	case t < 0:
		return bad("must not be negative, got %s (leave it out for the ensemble's 500ms)", dur(t))
	case !wholeMillis(t):
		return bad("zoo.cfg's tickTime is whole milliseconds (at least 1ms), got %s", dur(t))
	case t > ZooKeeperMaxTick:
		return bad("at most %s, got %s", dur(ZooKeeperMaxTick), dur(t))
	}
	return nil
}
