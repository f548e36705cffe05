package nemesis

import (
	"context"
	"log/slog"
	"time"

	"github.com/chaos-election/chaos/history"
	"github.com/chaos-election/chaos/linkproxy"
	"github.com/chaos-election/chaos/netfault"
)

// Cluster is what the nemesis needs of the cluster (compose.Cluster
// satisfies it).
type Cluster interface {
	Names() []string
	Cut(ctx context.Context, grudge map[string][]string) error
	Mend(ctx context.Context) error
	Pause(ctx context.Context, node string) error
	Unpause(ctx context.Context, node string) error
	Kill(ctx context.Context, node string) error
	Start(ctx context.Context, node string) error
}

// Clients is what the nemesis needs of the workload: who leads, and the
// client pause.
type Clients interface {
	Leader() (node string, ok bool)
	Freeze(ctx context.Context, node string, d time.Duration) (process string, err error)
}

// Crashes are the candidates' processes, which a client kill crashes
// (the election workload satisfies it). Crash stops node's candidate
// process at once, as a crash: no resign, no release, its connections
// closed, its timers stopped; its lease or session in the backend stays
// until it expires. It returns the crashed process and end, which records
// in the history how the crash ended that process (its lost, or its op
// left unknown); the fault calls it once its fault-start is recorded.
// Restart starts a fresh process of the node (a new process id, new
// connections) that campaigns anew, recording the crashed one's end first
// if it still is to be; it is idempotent and must work on a context the
// run has already cancelled.
type Crashes interface {
	Crash(ctx context.Context, node string) (process string, end func(), err error)
	Restart(ctx context.Context, node string) (process string, err error)
}

// NodeClocks is what a clock-skew of a server node's own clock (clock:
// node) needs of the cluster, an optional capability: external.Cluster
// has it, through the plan's granted commands; a compose cluster has not
// (its containers share the host's kernel clock). SetNodeClock sets
// node's clock offset from true time; ResetNodeClock returns it to true
// time, and must work on a context the run has already cancelled.
type NodeClocks interface {
	SetNodeClock(ctx context.Context, node string, offset time.Duration) error
	ResetNodeClock(ctx context.Context, node string) error
}

// NodeLinks is what the faults on the links between server nodes
// (link-loss, link-delay, link-rate) need of the cluster, an optional capability:
// compose.Cluster has it, through each node's network agent; an external
// cluster has not. Shape replaces every link effect in force (an empty
// shape heals them all) and returns once it is in effect; LinkMethods
// says how the cluster applies delays and rates, and why not where it
// cannot. ProbeLink times one round trip from node from to node to across
// their link, the request carrying size bytes (it fails when the link is
// cut or the round trip takes longer than timeout).
type NodeLinks interface {
	Shape(ctx context.Context, s netfault.Shape) (netfault.Applied, error)
	LinkMethods() netfault.Methods
	ProbeLink(ctx context.Context, from, to string, size int, timeout time.Duration) (rtt time.Duration, err error)
}

// Clocks are the candidates' clocks, which the clock faults skew
// (offset) or slow (rate, 1 being true time); the election workload
// satisfies it. SetClock returns the process whose clock it set.
type Clocks interface {
	SetClock(ctx context.Context, node string, offset time.Duration, rate float64) (process string, err error)
	ResetClock(node string) error
}

// Links is what the link faults act on: the harness's own proxy between
// each node's clients and the node (the linkproxy package). SetLink
// replaces the faults in force on the link of node's clients.
type Links interface {
	SetLink(node string, f linkproxy.Faults) error
}

// Recorder records ops in the history (history.Writer satisfies it).
type Recorder interface {
	Record(op history.Op) history.Op
	Flush() error
}

// Env is what faults act on and record to.
type Env struct {
	Cluster Cluster
	Clients Clients
	// Links are the client-side links; nil when the run has no proxies
	// (a plan without link faults).
	Links Links
	// Clocks are the candidates' clocks; nil when the run has no election
	// workload.
	Clocks Clocks
	// Crashes are the candidates' processes, for client kills; nil when
	// the run has no election workload.
	Crashes Crashes
	// Servers, when set, is who leads among the nodes themselves, for
	// targets whose candidates run apart from the nodes (kubernetes: the
	// candidates talk to API servers, the nodes are etcd members): the
	// faults on nodes aimed at "leader" (and "follower") take its answer,
	// the faults on candidates still the leading candidate's. nil: the
	// node of the leading candidate is the leader for both.
	Servers Servers
	Rec     Recorder
	Log     *slog.Logger
}

// Servers says which node the servers' own consensus has as leader.
type Servers interface {
	Leader() (node string, ok bool)
}

// FaultSpec is one fault of a plan.
type FaultSpec struct {
	Kind     string        `yaml:"kind"`     // partition | pause | kill | client-pause | client-kill | client-partition | client-delay | client-loss | link-loss | link-delay | link-rate | flaky | clock-skew | clock-drift
	Shape    string        `yaml:"shape"`    // partitions: halves | isolate-leader | majority-ring | bridge | random; link faults: halves | isolate-leader | random
	Victim   string        `yaml:"victim"`   // the others: leader | minority | majority | random | a node name
	Duration time.Duration `yaml:"duration"` // how long until healed
	// Link faults (client-delay, client-loss, link-delay, link-loss) only.
	Delay  time.Duration `yaml:"delay,omitempty"`  // client-delay, link-delay: added each way
	Jitter time.Duration `yaml:"jitter,omitempty"` // client-delay, link-delay: uniform extra in [0, jitter)
	Loss   float64       `yaml:"loss,omitempty"`   // client-loss: probability a chunk is lost (and retransmitted); link-loss: a packet is dropped
	// Direction is which way a partition or a fault on the links between
	// nodes acts: DirectionBoth ("" too, the default) or DirectionOneWay
	// (only what the first group — the leader of isolate-leader, the
	// victim — sends is cut or shaped; it still hears the others).
	Direction string `yaml:"direction,omitempty"`
	// Period is how long a flaky link stays cut, then healed, in turn.
	Period time.Duration `yaml:"period,omitempty"`
	// Bandwidth is what a link-rate lets through each way, in bytes per
	// second (a plan writes it with a unit: "1mbit", "125kB/s").
	Bandwidth uint64 `yaml:"bandwidth,omitempty"`
	// Clock faults (clock-skew, clock-drift) only: the victim candidate's
	// clock is set Offset away from true time, or made to run at Rate.
	Offset time.Duration `yaml:"offset,omitempty"` // clock-skew
	Rate   float64       `yaml:"rate,omitempty"`   // clock-drift: 0.5 = half speed
	// Clock is whose clock a clock fault sets: ClockCandidate ("" too,
	// the default: the victim's candidates' own clock) or ClockNode (the
	// victim server node's clock, through the cluster's NodeClocks;
	// clock-skew only).
	Clock string `yaml:"clock,omitempty"`
}

// Spec is a fault schedule.
type Spec struct {
	Faults   []FaultSpec
	Interval time.Duration // quiet time between one fault's heal and the next fault's start
}

// healTimeout bounds one heal; heals run on a context that outlives the
// run's cancellation.
const healTimeout = 60 * time.Second

func healContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), healTimeout)
}
