package grant

import (
	"slices"
	"time"
)

// The faults a plan can grant, by the nemesis primitives they drive.
const (
	FaultPartition = "partition" // Cut, Mend
	FaultPause     = "pause"     // Pause, Unpause
	FaultKill      = "kill"      // Kill, Start
	// FaultClockSkew is a server node's clock set off true time and back
	// (a clock-skew with clock: node): SetNodeClock, ResetNodeClock. Only
	// commands grant it.
	FaultClockSkew = "clock-skew"
)

// NodeFaults are the kinds a Docker host or commands can cover.
var NodeFaults = []string{FaultPartition, FaultPause, FaultKill}

// CommandFaults are the kinds commands can grant: the node faults and a
// node's clock. A Docker host cannot set a node's clock: its containers
// share the host's kernel clock.
var CommandFaults = append(slices.Clip(NodeFaults), FaultClockSkew)

// DefaultTimeout bounds one command when Spec.Timeout is 0.
const DefaultTimeout = 30 * time.Second

// Grant is what covers kind given the plan's commands and whether a
// Docker host holds the nodes: "commands", "docker" (for [NodeFaults]
// only) or "".
func Grant(kind string, commands map[string]Command, docker bool) string {
	if _, ok := commands[kind]; ok {
		return "commands"
	}
	if docker && slices.Contains(NodeFaults, kind) {
		return "docker"
	}
	return ""
}
