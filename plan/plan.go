package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/tuning"
)

// PlanFile is the name of the resolved plan inside a run directory.
const FileName = "plan.yaml"

// Plan is everything one run needs to know: which backend, how many nodes,
// what the clients do, which faults to inject, for how long, and the limits
// the checkers apply. It is read from a YAML file ([LoadPlan]) and/or set
// from command-line flags ([Plan.SetFlag]) over [DefaultPlan]; the resolved
// plan, seed included, is saved in the run directory ([Plan.YAML]) so that a
// run can be replayed.
type Plan struct {
	// Name names the run directory: runs/<name>/<time>/.
	Name string
	// Target is the backend: "etcd", "zookeeper", "consul" or "kubernetes". Setting it
	// or Workload (in a file or by flag) without a name names the run
	// "<target>-default" (election), "<target>-register" or
	// "<target>-election-register".
	Target string
	// Nodes is the cluster size, one candidate per node. With cluster
	// external it is the number of external.nodes.
	Nodes int
	// Cluster is where the nodes come from: "compose" (the harness starts
	// them in Docker from its own compose files) or "external" (a cluster
	// it did not start, described by External).
	Cluster string
	// External is the cluster of a plan with cluster external.
	External External
	// Workload is what the clients do: "election" (campaign and write to
	// the resource), "register" (read, write and cas on a few keys, for
	// linearizability), or both: "election+register".
	Workload string
	// Resource is how the shared resource treats writes: "none" (accepts
	// all), "token" (rejects tokens lower than the highest accepted),
	// "backend" (conditional write inside the backend).
	Resource string
	// Strict makes every leadership overlap fail the run, even one whose
	// stale side was fenced off.
	Strict bool
	// Duration is the time with faults.
	Duration time.Duration
	// Recovery is the time after every fault is healed, before the final
	// checks.
	Recovery time.Duration
	// Seed seeds the fault schedule; 0 picks one at the start of the run.
	Seed int64
	// LeaseTTL is the candidates' session / lease TTL: etcd's lease TTL
	// (whole seconds, at least etcd's minimum: 2 s with its default
	// timing), ZooKeeper's session timeout (within the ensemble's bounds:
	// 1 s to 60 s with its default tick), Consul's session TTL.
	LeaseTTL time.Duration
	// WriteEvery is how often a leader writes to the resource.
	WriteEvery time.Duration
	// Recipe is how the candidates elect: "native" (the backend's own
	// recipe: etcd's concurrency.Election, ZooKeeper's sequential
	// znodes, Consul's session lock), "lease-timestamp" (a lease record
	// whose expiry the holder stamps by its own clock) or
	// "lease-observed" (client-go's LeaderElector over a lease record).
	// The lease recipes' lease duration is LeaseTTL.
	Recipe string
	// Lease holds the lease recipes' timings.
	Lease Lease
	// Nemesis is the fault schedule.
	Nemesis Nemesis
	// Checks are the limits the checkers apply.
	Checks Checks
	// Etcd is etcd's own Raft timing (heartbeat interval, election
	// timeout), read only with target etcd; zero is etcd's default. A
	// setting of the servers: refused with cluster external.
	Etcd tuning.Etcd
	// ZooKeeper is the ensemble's tickTime, read only with target
	// zookeeper; zero is the compose file's 500 ms. A setting of the
	// servers: refused with cluster external.
	ZooKeeper tuning.ZooKeeper
	// Consul holds the settings only the Consul target reads.
	Consul Consul
	// Kubernetes holds the settings only target kubernetes reads.
	Kubernetes Kubernetes
	// Register holds the settings of the register workload.
	Register Register

	// src remembers where each field's value came from (file:line or a
	// flag), so that [Plan.Validate] can point at it. Copy-on-write: never
	// modified in place once shared.
	src map[string]origin
}

// NemesisPlan is the fault schedule of a plan.
type Nemesis struct {
	// Interval is the quiet time between one fault's heal and the next
	// fault's start.
	Interval time.Duration
	// Faults are picked from by the seeded schedule.
	Faults []nemesis.FaultSpec
}

// Checks are the plan's checker limits. Zero durations and rates mean no
// limit.
type Checks struct {
	// MinOps: fewer completed client operations make the verdict unknown;
	// 0 means the checkers' default (checkers.DefaultMinOps).
	MinOps int
	// AllowNoFaults accepts a run in which no fault took effect.
	AllowNoFaults bool
	// MaxNoLeader fails the run when a window without a leader is longer.
	MaxNoLeader time.Duration
	// MaxFailover fails the run when a failover takes longer.
	MaxFailover time.Duration
	// MaxElectionsPerMinute fails the run when leadership flaps faster.
	MaxElectionsPerMinute float64
	// MaxFalseFailovers fails the run when more leadership changes than
	// this happened while no fault had removed the leader; unset (the zero
	// value) is no limit, checkers.AtMost(0) allows none.
	MaxFalseFailovers checkers.CountLimit
	// LinearizableTimeout bounds the linearizability search of each key;
	// a key whose search runs out makes the verdict unknown. 0 means the
	// checker's default (checkers.DefaultLinearizableTimeout).
	LinearizableTimeout time.Duration
}

// Lease is the lease recipes' timings; zero means the 15 : 10 : 2
// proportion of client-go's defaults to lease_ttl.
type Lease struct {
	// RenewEvery is how often a lease-timestamp holder renews.
	RenewEvery time.Duration
	// RenewDeadline and RetryPeriod are client-go's (lease-observed).
	RenewDeadline, RetryPeriod time.Duration
}

// RegisterPlan is the register workload's settings.
type Register struct {
	// ReadMode is how the backend reads: etcd "linearizable" or
	// "serializable", ZooKeeper "plain" or "sync", Consul "default",
	// "consistent" or "stale". "" is the backend client's default (etcd
	// linearizable, ZooKeeper plain, Consul default), written out as such
	// in the run's plan.yaml.
	ReadMode string
	// Keys is how many keys the clients spread their ops over.
	Keys int
	// ClientsPerNode is how many client processes talk to each node.
	ClientsPerNode int
	// Every is the pause between one client's ops.
	Every time.Duration
}

// Consul is the Consul target's session settings, and its servers' Raft
// multiplier.
type Consul struct {
	// LockDelay: after a session is invalidated, its lock key cannot be
	// acquired for this long (Consul's default is 15 s).
	LockDelay time.Duration
	// Behavior is what invalidating a session does to the lock key:
	// "release" or "delete".
	Behavior string
	// RaftMultiplier is the servers' performance.raft_multiplier (1 to
	// 10), which scales their Raft timeouts; 0 is the compose file's 1. A
	// setting of the servers: refused with cluster external.
	RaftMultiplier int
}

// Kubernetes is target kubernetes's cluster: how many kube-apiservers
// front its etcd members.
type Kubernetes struct {
	// APIServers is how many (1 to 9; 0 = 1). The candidates are spread
	// over them, n1 on api1, n2 on api2, ..., round robin: with more than
	// one, a candidate cut from its own API server is out of touch while
	// its peers reach theirs. A setting of chaos's own cluster: refused
	// with cluster external.
	APIServers int
}

// Known values of the plan's enumerated fields.
var (
	knownTargets   = []string{"etcd", "zookeeper", "consul", TargetKubernetes}
	knownBehaviors = []string{"release", "delete"}
	knownWorkloads = []string{"election", "register", "election+register"}
	knownResources = []string{"none", "token", "backend"}
	knownRecipes   = []string{RecipeNative, RecipeLeaseTimestamp, RecipeLeaseObserved}
	knownClusters  = []string{ClusterCompose, ClusterExternal}
)

// Targets are the backends a plan can name, in the order the commands list
// them.
func Targets() []string { return slices.Clone(knownTargets) }

// The recipes a plan can name.
const (
	RecipeNative         = "native"
	RecipeLeaseTimestamp = "lease-timestamp"
	RecipeLeaseObserved  = "lease-observed"
)

// LeaseRecipe reports whether the plan elects by a lease record.
func (p Plan) LeaseRecipe() bool {
	return p.Recipe == RecipeLeaseTimestamp || p.Recipe == RecipeLeaseObserved
}

// Bounds on the plan's numbers.
const (
	maxNodes      = 15
	minLeaseTTL   = time.Second
	maxLockDelay  = 60 * time.Second // Consul's own limit
	minWriteEvery = time.Millisecond
	maxNameLen    = 64
	maxKeys       = 1000
	maxClients    = 64 // register clients per node
)

// DefaultPlan is the plan of `chaos run` without a config file: etcd, three
// nodes, leader election with a token-fenced resource, a minute of
// partitions and leader pauses (each longer than the lease TTL, so each one
// forces a failover), then ten seconds of recovery. On a healthy etcd it
// ends valid: the overlaps a pause or partition causes are fenced off.
func Default() Plan {
	return Plan{
		Name:       "etcd-default",
		Target:     "etcd",
		Nodes:      3,
		Cluster:    ClusterCompose,
		Workload:   "election",
		Resource:   "token",
		Duration:   60 * time.Second,
		Recovery:   10 * time.Second,
		LeaseTTL:   3 * time.Second,
		WriteEvery: 50 * time.Millisecond,
		Recipe:     RecipeNative,
		Nemesis: Nemesis{
			Interval: 5 * time.Second,
			Faults: []nemesis.FaultSpec{
				{Kind: "partition", Shape: "isolate-leader", Duration: 8 * time.Second},
				{Kind: "partition", Shape: "halves", Duration: 8 * time.Second},
				{Kind: "pause", Victim: "leader", Duration: 8 * time.Second},
			},
		},
		Checks:   Checks{MinOps: 10},
		Consul:   Consul{LockDelay: time.Second, Behavior: "release"},
		Register: Register{Keys: 5, ClientsPerNode: 2, Every: 20 * time.Millisecond},
	}
}

// Summary is the plan in a few words, for titles: "etcd, 3 nodes,
// election, resource token".
func (p Plan) Summary() string {
	s := fmt.Sprintf("%s, %d nodes", p.Target, p.Nodes)
	switch {
	case p.Cluster == ClusterExternal && p.Target == TargetKubernetes:
		s = fmt.Sprintf("%s, a staging cluster, %d candidates", p.Target, p.Nodes)
	case p.Cluster == ClusterExternal:
		s = fmt.Sprintf("%s, %d external nodes", p.Target, p.Nodes)
	}
	if p.Election() {
		s += ", election, resource " + p.Resource
	}
	if p.RegisterWorkload() {
		s += ", register, " + p.Register.ReadMode + " reads"
	}
	return s
}

// Election reports whether the plan runs the election workload.
func (p Plan) Election() bool { return p.Workload == "election" || p.Workload == "election+register" }

// RegisterWorkload reports whether the plan runs the register workload.
func (p Plan) RegisterWorkload() bool {
	return p.Workload == "register" || p.Workload == "election+register"
}

// SetTarget sets the target; a plan whose name was never set is named
// after it (autoName).
func (p *Plan) SetTarget(target string) {
	p.Target = target
	p.autoName()
}

// setWorkload sets the workload; a plan whose name was never set is named
// after it (autoName).
func (p *Plan) setWorkload(w string) {
	p.Workload = w
	p.autoName()
}

// autoName names a plan whose name was never set after its target and
// workload: "etcd-default" (election), "etcd-register",
// "etcd-election-register".
func (p *Plan) autoName() {
	if _, named := p.src["name"]; named {
		return
	}
	switch p.Workload {
	case "election", "":
		p.Name = p.Target + "-default"
	default:
		p.Name = p.Target + "-" + strings.ReplaceAll(p.Workload, "+", "-")
	}
}

// NemesisSpec is the plan's fault schedule as the nemesis takes it.
func (p Plan) NemesisSpec() nemesis.Spec {
	return nemesis.Spec{
		Faults:   append([]nemesis.FaultSpec(nil), p.Nemesis.Faults...),
		Interval: p.Nemesis.Interval,
	}
}

// origin is where a plan field's value came from.
type origin struct {
	file string
	line int
	flag string // "--nodes"
}

// setOrigin records where field's value came from, copying the map so that
// plans sharing it are not affected.
func (p *Plan) setOrigin(field string, o origin) {
	m := make(map[string]origin, len(p.src)+1)
	for k, v := range p.src {
		m[k] = v
	}
	m[field] = o
	p.src = m
}

// forget drops the origins of everything below field (the elements of a
// replaced list).
func (p *Plan) forget(field string) {
	m := make(map[string]origin, len(p.src))
	for k, v := range p.src {
		if hasFieldPrefix(k, field) {
			continue
		}
		m[k] = v
	}
	p.src = m
}

// locate finds where field (or the nearest enclosing field) came from.
func (p Plan) locate(field string) (origin, bool) {
	for f := field; f != ""; f = parentField(f) {
		if o, ok := p.src[f]; ok {
			return o, true
		}
	}
	return origin{}, false
}

// hasFieldPrefix reports whether field lies below parent:
// "nemesis.faults[1].kind" lies below "nemesis.faults" and "nemesis".
func hasFieldPrefix(field, parent string) bool {
	if len(field) <= len(parent) || field[:len(parent)] != parent {
		return false
	}
	c := field[len(parent)]
	return c == '.' || c == '['
}

// parentField is the field that encloses f: "nemesis.faults[1].kind" →
// "nemesis.faults[1]" → "nemesis.faults" → "nemesis" → "".
func parentField(f string) string {
	for i := len(f) - 1; i >= 0; i-- {
		switch f[i] {
		case '.', '[':
			return f[:i]
		}
	}
	return ""
}
