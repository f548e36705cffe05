package grant

import "time"

// The node faults a plan can grant, by the nemesis primitives they drive.
const (
	FaultPartition = "partition" // Cut, Mend
	FaultPause     = "pause"     // Pause, Unpause
	FaultKill      = "kill"      // Kill, Start
)

// NodeFaults are the kinds a grant can cover.
var NodeFaults = []string{FaultPartition, FaultPause, FaultKill}

// DefaultTimeout bounds one command when Spec.Timeout is 0.
const DefaultTimeout = 30 * time.Second

// Grant is what covers kind given the plan's commands and whether a
// Docker host holds the nodes: "commands", "docker" or "".
func Grant(kind string, commands map[string]Command, docker bool) string {
	if _, ok := commands[kind]; ok {
		return "commands"
	}
	if docker {
		return "docker"
	}
	return ""
}
