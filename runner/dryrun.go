package runner

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chaos-election/chaos/compose"
	"github.com/chaos-election/chaos/external/grant"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/netfault"
	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/targets"
)

// WriteDryRun says what a run of plan would do — where the nodes are, what
// the clients connect with, which keys they write, and how each fault
// would be put in effect and healed — without starting, connecting to or
// changing anything. Secrets are named by where they are read from.
func WriteDryRun(w io.Writer, root string, pl plan.Plan, target targets.Target) error {
	var b strings.Builder
	pf := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	pf("dry run: nothing is started, connected to or changed.")
	seed := "a new seed"
	if pl.Seed != 0 {
		seed = fmt.Sprintf("seed %d", pl.Seed)
	}
	pf("plan %s: %s; %s of faults, then %s of recovery; %s", pl.Name, pl.Summary(),
		plan.FormatDuration(pl.Duration), plan.FormatDuration(pl.Recovery), seed)
	e := pl.External
	switch {
	case pl.Target == plan.TargetKubernetes && pl.Cluster == plan.ClusterExternal:
		ctxName := "its current-context"
		if e.Context != "" {
			ctxName = "context " + e.Context
		}
		pf("cluster: a staging Kubernetes cluster: the API server of kubeconfig %s (%s), as client-go reads it; chaos starts, stops and removes nothing on it, "+
			"and the file's credentials are read when the run starts and written nowhere", e.Kubeconfig, ctxName)
		pf("namespace: the candidates' Lease lives in namespace %s, which must exist; the run refuses it when it holds Leases (unless --reuse) and removes the Leases in it at the end", e.Namespace)
	case pl.Target == plan.TargetKubernetes:
		servers := "1 kube-apiserver"
		if n := pl.APIServers(); n > 1 {
			servers = fmt.Sprintf("%d kube-apiservers (candidate n1 on api1, n2 on api2, ..., round robin)", n)
		}
		pf("cluster: %d etcd containers and %s in front (%s) started in Docker (%s) on a private network, removed at the end; "+
			"the API servers' certificate, keys and token are made for the run, copied into their containers and kept out of the run directory",
			pl.Nodes, servers, compose.KubeAPIServerLocalImage, dockerHost())
		if s := pl.TuningSummary(); s != "" {
			pf("servers: %s", s)
		}
	case pl.Cluster != plan.ClusterExternal:
		pf("cluster: %d %s containers started in Docker (%s) on a private network, removed at the end", pl.Nodes, pl.Target, dockerHost())
		if s := pl.TuningSummary(); s != "" {
			pf("servers: %s", s)
		}
	default:
		pf("cluster: external, %d nodes (the harness starts and removes none of them)", len(e.Nodes))
		for i, n := range e.Nodes {
			line := fmt.Sprintf("  n%d  %s", i+1, n.Endpoint)
			if n.Container != "" && e.Docker {
				line += fmt.Sprintf("  container %s on the Docker host (%s)", n.Container, dockerHost())
			}
			if n.Host != "" {
				line += "  host " + n.Host
			}
			pf("%s", line)
		}
		pf("access: %s", describeAccess(e))
		if ns, ok := target.(targets.Namespaced); ok {
			pf("keys: every key the clients write lives under %s; the run refuses to start when it is not empty (unless --reuse), and removes everything under it at the end", ns.Root())
		}
	}
	via := "directly"
	if pl.LinkFaults() {
		via = "through the harness's link proxy on 127.0.0.1, one per node (the observer connects directly)"
	}
	if pl.Target == plan.TargetKubernetes {
		t := pl.Timings()
		if pl.LinkFaults() {
			via = "through the harness's link proxy on 127.0.0.1, one per candidate in front of its API server (the observer connects directly)"
		}
		who := "one candidate per etcd member's name (n1, n2, ...)"
		if pl.Cluster == plan.ClusterExternal {
			who = fmt.Sprintf("%d candidates (n1, n2, ...)", pl.Nodes)
		}
		pf("clients: %s, each client-go's LeaderElector on a LeaseLock "+
			"(LeaseDuration %s, RenewDeadline %s, RetryPeriod %s) through the API server, %s", who,
			plan.FormatDuration(pl.LeaseTTL), plan.FormatDuration(t.RenewDeadline), plan.FormatDuration(t.RetryPeriod), via)
	} else {
		pf("clients: one candidate per node%s, each talking only to its own node, %s", registerClients(pl), via)
	}
	if len(pl.Nemesis.Faults) == 0 {
		pf("faults: none")
	} else {
		pf("faults: one at a time, %s apart, picked by the seeded schedule from:", plan.FormatDuration(pl.Nemesis.Interval))
		for _, f := range pl.Nemesis.Faults {
			pf("  %s for %s: %s", faultTitle(f), plan.FormatDuration(f.Duration), howFault(pl, f))
		}
		pf("every fault is healed when its time is up, and all of them on Ctrl-C")
	}
	pf("files: %s/<time>/ (history.jsonl, results.json, junit.xml, report.html, plan.yaml, logs/)", filepath.Join(root, pl.Name))
	_, err := io.WriteString(w, b.String())
	return err
}

func dockerHost() string {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return h
	}
	return "the local engine"
}

func registerClients(p plan.Plan) string {
	switch {
	case p.RegisterWorkload() && !p.Election():
		return fmt.Sprintf(" — none: %d register clients per node instead", p.Register.ClientsPerNode)
	case p.RegisterWorkload():
		return fmt.Sprintf(" and %d register clients per node", p.Register.ClientsPerNode)
	}
	return ""
}

// describeAccess says how clients would authenticate, naming where each
// secret comes from and never its value.
func describeAccess(e plan.External) string {
	var parts []string
	if t := e.TLS; t.CAFile != "" || t.CertFile != "" {
		s := "TLS"
		if t.CAFile != "" {
			s += ", CA " + t.CAFile
		}
		if t.CertFile != "" {
			s += ", client certificate " + t.CertFile
		}
		parts = append(parts, s)
	}
	from := func(env, file string) string {
		if env != "" {
			return "$" + env
		}
		return file
	}
	a := e.Auth
	if a.Username != "" {
		parts = append(parts, "user "+a.Username)
	}
	if a.PasswordEnv != "" || a.PasswordFile != "" {
		parts = append(parts, "password from "+from(a.PasswordEnv, a.PasswordFile))
	}
	if a.TokenEnv != "" || a.TokenFile != "" {
		parts = append(parts, "ACL token from "+from(a.TokenEnv, a.TokenFile))
	}
	if a.DigestEnv != "" || a.DigestFile != "" {
		parts = append(parts, "digest from "+from(a.DigestEnv, a.DigestFile))
	}
	if len(parts) == 0 {
		return "plain TCP, no credentials"
	}
	return strings.Join(parts, "; ")
}

func faultTitle(f nemesis.FaultSpec) string {
	s := f.Kind
	if f.Shape != "" {
		s += " " + f.Shape
	}
	if f.Victim != "" {
		s += " of " + f.Victim
	}
	switch {
	case f.Delay > 0:
		s += fmt.Sprintf(" (delay %s, jitter %s)", plan.FormatDuration(f.Delay), plan.FormatDuration(f.Jitter))
	case f.Loss > 0:
		s += fmt.Sprintf(" (loss %g)", f.Loss)
	case f.Bandwidth > 0:
		s += " (bandwidth " + netfault.FormatRate(f.Bandwidth) + ")"
	case f.Offset != 0 && f.NodeClock():
		s += fmt.Sprintf(" (offset %s, the server node's own clock)", plan.FormatDuration(f.Offset))
	case f.Offset != 0:
		s += fmt.Sprintf(" (offset %s)", plan.FormatDuration(f.Offset))
	case f.Rate > 0:
		s += fmt.Sprintf(" (rate %g)", f.Rate)
	}
	if f.OneWay() {
		s += ", one way (only what the first side sends)"
	}
	return s
}

// howNodeClock says how a server node's clock would be set off true time
// and back: only by the plan's granted commands on an external cluster
// (the plan refuses it anywhere else).
func howNodeClock(p plan.Plan, f nemesis.FaultSpec) string {
	c, ok := p.External.Commands[grant.FaultClockSkew]
	if p.Cluster != plan.ClusterExternal || !ok {
		return "not granted: a server node's clock is set only by external.commands.clock-skew on cluster: external"
	}
	t := p.External.CommandTimeout
	if t == 0 {
		t = grant.DefaultTimeout
	}
	return fmt.Sprintf("the server node's own clock, which the backend times its leases and sessions by: runs `%s` per node with {offset} %s and {offset_seconds} %s, heals with `%s` (each within %s; output in logs/commands.log)",
		c.Start, f.Offset, grant.Seconds(f.Offset), c.Heal, plan.FormatDuration(t))
}

// howFault says how a fault would be put in effect and healed.
func howFault(p plan.Plan, f nemesis.FaultSpec) string {
	switch {
	case f.NodeClock():
		return howNodeClock(p, f)
	case f.Kind == "client-pause":
		return "the harness freezes the candidate's process between its leadership check and its next write, keepalives included"
	case f.Kind == "client-kill":
		return "the harness crashes the candidate's process: it stops at once, resigns and releases nothing, its connections are closed and its timers stop, so its lease stays in the backend until it expires; the heal starts a fresh candidate process (a new session or elector, new connections) that campaigns again"
	case nemesis.IsClockFault(f.Kind) && p.Recipe == plan.RecipeLeaseTimestamp:
		return "the candidate's own clock, which lease-timestamp reads its lease's expiry by, is set off true time (timers keep the real rate), then back"
	case nemesis.IsClockFault(f.Kind):
		return "the candidate's own clock is set off true time, then back: it reaches nothing here (lease-observed trusts client-go's real clock, by design)"
	case nemesis.IsLinkFault(f.Kind):
		return "the node's link proxy " + map[string]string{
			"client-partition": "holds all traffic between the node's clients and the node",
			"client-delay":     "delays every chunk each way",
			"client-loss":      "holds a lost chunk for a 200 ms retransmission",
		}[f.Kind]
	case f.Kind == "link-loss":
		return "each receiving node's network agent drops that share of the packets from the other side at random (nftables numgen random), UDP included"
	case f.Kind == "link-delay":
		return "each node's network agent delays what crosses the links: in the kernel (netem, per receiver) where it has netem, else in its user-space proxy of the peers' TCP (the run says which; Consul's UDP gossip cannot be delayed by the proxy and such a plan is refused); a probe across a link checks the delay is in effect"
	case f.Kind == "link-rate":
		return "each node's network agent limits what it sends to each node across the links to the bandwidth (an htb class per receiver), UDP included; a timed transfer across a link checks the limit is in effect"
	case f.Kind == "flaky":
		return "the links are cut as a partition cuts them, then healed, in turn every " + plan.FormatDuration(f.Period) + " for the fault's duration, healed at its end"
	case p.Cluster != plan.ClusterExternal:
		return map[string]string{
			"partition": "the network agent under each node drops the other side's addresses (nftables)",
			"pause":     "docker pause (the cgroup freezer), then unpause",
			"kill":      "SIGKILL of the container, then a start with its data",
		}[f.Kind]
	}
	e := p.External
	switch grant.Grant(f.Kind, e.Commands, e.Docker) {
	case "commands":
		c := e.Commands[f.Kind]
		t := e.CommandTimeout
		if t == 0 {
			t = grant.DefaultTimeout
		}
		return fmt.Sprintf("runs `%s` per node, heals with `%s` (each within %s; output in logs/commands.log)", c.Start, c.Heal, plan.FormatDuration(t))
	case "docker":
		return map[string]string{
			"partition": "a netctl sidecar in each node's container's network namespace drops the other nodes' addresses",
			"pause":     "docker pause of the node's container, then unpause",
			"kill":      "SIGKILL of the node's container, then docker start",
		}[f.Kind]
	}
	return "not granted"
}
