package compose

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/chaos-election/chaos/tuning"
)

// DefaultHealthTimeout is how long Up waits for every node to be healthy
// when Spec.HealthTimeout is 0, plus twice the backend's election time
// ([tuning.Settings.ElectionTime]: a cluster's first election may take
// that long, and the servers' settings can lengthen it).
const DefaultHealthTimeout = 60 * time.Second

// Spec describes the cluster Up brings up.
type Spec struct {
	Target string // backend: "etcd" ("" = "etcd")
	Nodes  int    // 1..MaxNodes (0 = 3)
	// RunID names the run: containers are chaos-<RunID>-n1..., the network
	// chaos-<RunID>, and everything is labelled io.chaos.run=<RunID>.
	// 1-63 characters of [A-Za-z0-9_.-], starting with a letter or digit.
	RunID string
	// Dir is the run directory: compose.yaml and logs/<node>.log are
	// written here.
	Dir string
	// Image is the backend image. "" = the official image if present
	// locally, else the local build; never pulled.
	Image string
	// HealthTimeout bounds the wait for every node to be healthy (0 =
	// DefaultHealthTimeout and twice the backend's election time).
	HealthTimeout time.Duration
	// Tuning are the servers' own timing settings (only the target's are
	// read); zero fields are the compose file's own. Settings the backend
	// would refuse are an error of Up.
	Tuning tuning.Settings
	// Healthy is an optional probe, polled per node until it returns nil.
	// Without it a node is healthy once its container runs.
	Healthy func(ctx context.Context, n Node) error
	// DelayLinks says the run will delay the links between the nodes:
	// each node's agent then sets up its delay stage before the node
	// starts — netem where the kernel has it, else its user-space proxy,
	// through which every TCP connection a peer opens to the node passes
	// from the first ([Cluster.LinkMethods] says which).
	DelayLinks bool
	// RateLinks says the run will limit the bandwidth of the links
	// between the nodes: the agents then set up their delay stage
	// without the proxy (htb needs nothing before the node starts).
	// DelayLinks implies it.
	RateLinks bool
	// Seed seeds the agents' proxies' random sources (jitter); node i's
	// is Seed+i.
	Seed uint64
	// APIServers is how many kube-apiservers target kubernetes puts in
	// front of its etcd members (0 = 1); other targets have none.
	APIServers int
	Log        *slog.Logger // nil = discard
}

// maxAPIServers is the most API servers a cluster is rendered with.
const maxAPIServers = 9

// shapesLinks says whether the agents need their delay stage: for delays
// or rates.
func (s Spec) shapesLinks() bool { return s.DelayLinks || s.RateLinks }

// Node is one member of a cluster.
type Node struct {
	Name        string // "n1", "n2", ...
	ContainerID string
	IP          string // address on the run's private network (fixed)
	ClientAddr  string // "IP:port" that clients dial (etcd: IP:2379)
}

// withDefaults fills the zero values of s and checks the rest.
func (s Spec) withDefaults() (Spec, error) {
	if s.Target == "" {
		s.Target = "etcd"
	}
	if s.Nodes == 0 {
		s.Nodes = 3
	}
	if s.Target == targetKubernetes && s.APIServers == 0 {
		s.APIServers = 1
	}
	if s.HealthTimeout == 0 {
		s.HealthTimeout = DefaultHealthTimeout + 2*s.Tuning.ElectionTime(s.Target)
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	var errs []error
	if s.Nodes < 1 || s.Nodes > MaxNodes {
		errs = append(errs, fmt.Errorf("nodes: %d (want 1..%d)", s.Nodes, MaxNodes))
	}
	if err := checkRunID(s.RunID); err != nil {
		errs = append(errs, err)
	}
	switch {
	case s.APIServers != 0 && s.Target != targetKubernetes:
		errs = append(errs, fmt.Errorf("api servers: %d, but only target %s has API servers", s.APIServers, targetKubernetes))
	case s.APIServers < 0 || s.APIServers > maxAPIServers:
		errs = append(errs, fmt.Errorf("api servers: %d (want 1..%d)", s.APIServers, maxAPIServers))
	}
	if s.Dir == "" {
		errs = append(errs, errors.New("dir: empty (compose.yaml and logs are written there)"))
	}
	if s.HealthTimeout < 0 {
		errs = append(errs, fmt.Errorf("health timeout: %v", s.HealthTimeout))
	}
	for _, p := range s.Tuning.For(s.Target) {
		errs = append(errs, fmt.Errorf("%s %w", s.Target, p))
	}
	if err := errors.Join(errs...); err != nil {
		return s, fmt.Errorf("cluster spec: %w", err)
	}
	return s, nil
}
